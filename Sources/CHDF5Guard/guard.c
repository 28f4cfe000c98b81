#include "CHDF5Guard.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

static const int guarded_signals[] = { SIGSEGV, SIGBUS, SIGFPE };
#define GUARDED_COUNT (sizeof(guarded_signals) / sizeof(guarded_signals[0]))
static struct sigaction previous[GUARDED_COUNT];
static volatile sig_atomic_t depth = 0;
static volatile sig_atomic_t installed = 0;
static char message[4200];
static size_t message_length = 0;

static void on_fault(int signal_number, siginfo_t *info, void *context) {
    if (depth > 0) {
        // Only async-signal-safe calls: the message was prepared in jule_h5guard_enter.
        ssize_t ignored = write(2, message, message_length);
        (void)ignored;
        _exit(1);
    }
    // Not ours: restore the earlier handler and return, so that the faulting instruction runs again under it.
    for (size_t i = 0; i < GUARDED_COUNT; i++) {
        if (guarded_signals[i] == signal_number) { sigaction(signal_number, &previous[i], NULL); }
    }
    (void)info;
    (void)context;
}

void jule_h5guard_install(void) {
    if (installed) { return; }
    installed = 1;
    for (size_t i = 0; i < GUARDED_COUNT; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof(action));
        action.sa_sigaction = on_fault;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(guarded_signals[i], &action, &previous[i]);
    }
}

void jule_h5guard_disable(void) {
    installed = 1;
}

void jule_h5guard_enter(const char *path) {
    if (depth++ > 0) { return; }
    static const char prefix[] = "error: ";
    static const char suffix[] = ": the HDF5 library failed on this file (corrupt or not an HDF5 file this build can read)\n";
    size_t length = strlen(path);
    if (length > sizeof(message) - sizeof(prefix) - sizeof(suffix)) { length = sizeof(message) - sizeof(prefix) - sizeof(suffix); }
    memcpy(message, prefix, sizeof(prefix) - 1);
    memcpy(message + sizeof(prefix) - 1, path, length);
    memcpy(message + sizeof(prefix) - 1 + length, suffix, sizeof(suffix) - 1);
    message_length = sizeof(prefix) - 1 + length + sizeof(suffix) - 1;
}

void jule_h5guard_leave(void) {
    if (depth > 0) { depth--; }
}
