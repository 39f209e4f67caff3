/*
 * init_bac_a_sable.c — l'init (pid 1) du bac à sable (voir bac_a_sable.c).
 *
 * Lié dans chaque suite, et aussi compilé seul (-DTD6_INIT_MAIN) en
 * $BUILD/tests/lib/init_bac_a_sable : un programme qui ne charge que la
 * libc, donc qui démarre vite. bwrap le lance comme pid 1 pour chaque
 * programme noté (plusieurs centaines par make test) ; la suite, qui
 * charge libcurl, Check et jansson, coûtait environ 30 ms de processeur de
 * plus à chaque fois. Si ce programme manque, la suite se relance
 * elle-même avec « --td6-init » (principal.c) : même code.
 *
 * Ligne de commande : « init_bac_a_sable --td6-init FD PROGRAMME ARG... ».
 * FD est le tube vers le relais, où l'init écrit des init_msg.
 */
#include "interne.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Les signaux que relais et init transmettent au programme. */
void sandbox_signals(sigset_t *set, bool with_child)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGQUIT);
    sigaddset(set, SIGUSR1);
    sigaddset(set, SIGUSR2);
    if (with_child)
        sigaddset(set, SIGCHLD);
}

static void send_msg(int fd, char kind, int value)
{
    init_msg m = { kind, value };

    if (write(fd, &m, sizeof m) < 0)
        _exit(127);
}

int td6_sandbox_init(int argc, char **argv)
{
    int fd = argc > 3 ? atoi(argv[2]) : -1, ep[2], e = 0, sfd;
    sigset_t set, none;
    pid_t child;
    bool done = false;

    if (fd < 0)
        return 127;
    /* Ni /proc/1/fd ni ptrace pour le programme : il ne peut pas écrire
     * dans le tube du relais à la place de l'init. */
    prctl(PR_SET_DUMPABLE, 0);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    sandbox_signals(&set, true);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd < 0 || pipe2(ep, O_CLOEXEC) != 0)
        return 127;
    child = fork();
    if (child == 0) {
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(argv[3], argv + 3, environ);
        e = errno;
        if (write(ep[1], &e, sizeof e) < 0)
            _exit(127);
        _exit(127);
    }
    close(ep[1]);
    if (child < 0 || read(ep[0], &e, sizeof e) == (ssize_t)sizeof e) {
        send_msg(fd, 'E', child < 0 ? errno : e);
        return 127;
    }
    close(ep[0]);
    send_msg(fd, 'S', child);
    /* Ses sorties ne sont qu'au programme. */
    {
        int null = open("/dev/null", O_RDWR);

        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        close(null);
    }
    for (;;) {
        struct signalfd_siginfo si;
        int status;

        if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
            continue;
        if (si.ssi_signo != SIGCHLD) {
            if (!done)
                kill(child, (int)si.ssi_signo);
            continue;
        }
        /* N'attendre que le programme : ses orphelins restent visibles. */
        if (!done && waitpid(child, &status, WNOHANG) == child) {
            done = true;
            send_msg(fd, 'X', status);
        }
    }
}

#ifdef TD6_INIT_MAIN
int main(int argc, char **argv)
{
    return td6_sandbox_init(argc, argv);
}
#endif
