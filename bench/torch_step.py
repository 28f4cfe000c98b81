#!/usr/bin/python3
"""PyTorch peer of bench-cnn: median time of one JULE training step on the CPU.

Same network (§2 of the algorithm doc), batch of 100 images, 10 pseudo-labels x 10 images, every unordered
positive pair with 9 distinct negatives (4,050 triplets), weighted triplet loss (gamma 2, margin 0.2, mean over
triplets), SGD with momentum 0.9, Torch dampening 0.9, weight decay 5e-5 and the "inv" learning rate.
One step = zero_grad, forward (train-mode BN), loss, backward, optimiser update.
Prints one JSON line. Run with Debian's python3-torch: /usr/bin/python3 bench/torch_step.py --net MNIST
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

NETS = {  # name: (channels, height, width, [(padding, pool)])
    "MNIST": (1, 28, 28, [(0, True), (0, False)]),
    "COIL-20": (1, 128, 128, [(0, True)] * 4),
}


class JuleNet(nn.Module):
    def __init__(self, channels, height, width, blocks, filters=50, dim=160):
        super().__init__()
        layers, c, h, w = [], channels, height, width
        for pad, pool in blocks:
            layers += [nn.Conv2d(c, filters, 5, padding=pad), nn.BatchNorm2d(filters, eps=1e-5, momentum=0.1),
                       nn.ReLU(inplace=True)]
            h, w, c = h + 2 * pad - 4, w + 2 * pad - 4, filters
            if pool:
                layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
                h, w = (h + 1) // 2, (w + 1) // 2
        self.features = nn.Sequential(*layers)
        self.linear = nn.Linear(c * h * w, dim)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.uniform_(m.weight, 0, 1)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        h = self.linear(torch.flatten(self.features(x), 1))
        return h / torch.sqrt((h * h).sum(1, keepdim=True) + 1e-10)


def triplets(batch=100, groups=10, negatives=9, seed=1):
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(batch) % groups
    a, p, n = [], [], []
    for label in range(groups):
        members = (labels == label).nonzero().flatten().tolist()
        others = (labels != label).nonzero().flatten()
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                chosen = others[torch.randperm(len(others), generator=g)[:negatives]].tolist()
                for k in chosen:
                    a.append(members[i]); p.append(members[j]); n.append(k)
    return torch.tensor(a), torch.tensor(p), torch.tensor(n)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--net", default="MNIST", choices=sorted(NETS))
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    c, h, w, blocks = NETS[args.net]
    net = JuleNet(c, h, w, blocks)
    net.train()
    images = torch.rand(100, c, h, w)
    a, p, n = triplets()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, dampening=0.9, weight_decay=5e-5)
    gamma, margin = 2.0, 0.2
    times, cpu, t_global = [], [], 0
    for step in range(args.warmup + args.steps):
        for group in opt.param_groups:
            group["lr"] = 0.01 * (1 + 1e-4 * t_global) ** -0.75
        start, start_cpu = time.perf_counter(), time.process_time()
        opt.zero_grad(set_to_none=False)
        e = net(images)
        ea = e[a]
        loss = F.relu(gamma * (ea - e[p]).pow(2).sum(1) - (ea - e[n]).pow(2).sum(1) + margin).mean()
        loss.backward()
        opt.step()
        elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        t_global += 1
        if step >= args.warmup:
            times.append(elapsed)
            cpu.append(elapsed_cpu)
    times.sort()
    cpu.sort()
    print(json.dumps({"net": args.net, "median_s": times[len(times) // 2], "min_s": times[0], "steps": len(times), "cpu_median_s": cpu[len(cpu) // 2],
                      "triplets": int(a.numel()), "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "mkldnn": torch.backends.mkldnn.is_available(), "loss": float(loss)}))


if __name__ == "__main__":
    main()
