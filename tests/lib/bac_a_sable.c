/*
 * bac_a_sable.c — le bac à sable où tourne chaque programme noté.
 *
 * Le code d'un élève n'est pas digne de confiance : il tourne avec les
 * droits du correcteur. Dans le bac à sable (bubblewrap, paquet Debian
 * « bubblewrap »), le programme :
 *   - voit les fichiers en lecture seule, sauf un dossier de travail à lui
 *     (un /tmp neuf, vide, son dossier courant) et le fichier de trace que
 *     le test lui donne ($TD6_TRACE) ; le dossier des résultats est caché ;
 *   - ne voit que l'interface loopback : toute la suite (le test, son
 *     serveur local, le programme) tourne dans un espace de noms réseau
 *     neuf, où seule « lo » existe (pas de DNS, rien au-dehors) ;
 *   - ne voit ni ne peut signaler les processus du correcteur : il a son
 *     propre espace de pid (son /proc ne montre que lui et ses enfants),
 *     sa session (setsid) et aucune capacité ;
 *   - ne laisse rien derrière lui : tout meurt avec le bac à sable.
 *
 * Les processus, du test au programme :
 *
 *   test ── relais ── bwrap ── init (pid 1) ── programme (pid 2)
 *
 * Le relais est un fork du test : le test le voit comme « le programme »
 * (waitpid, kill, td6_thread_count). Il transmet les signaux reçus
 * (SIGTERM d'un test du chapitre 04) et se termine comme le programme
 * (même code, même signal). L'init (init_bac_a_sable.c) est pid 1 du bac
 * à sable : il lance le programme, transmet les signaux, dit au relais
 * comment il a fini, et n'attend QUE lui : ses enfants orphelins, vivants
 * ou zombies, restent visibles pour que le test les compte (un programme
 * doit attendre ses enfants) avant de tout tuer.
 *
 * L'init est un petit programme à part, $BUILD/tests/lib/init_bac_a_sable
 * (pourquoi : voir init_bac_a_sable.c), sinon la suite elle-même.
 *
 * Sans bwrap ou sans espaces de noms (un conteneur qui les refuse), la
 * suite note quand même, sans protection, et le dit en une ligne
 * (« ⚠ bac à sable indisponible »), reprise dans les résultats.
 * SANS_BAC_A_SABLE=1 le désactive (pour mesurer ce qu'il coûte).
 */
#include "interne.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- État de la suite --------------------------------------------------- */

static bool enabled;
static char reason[256] = "pas encore préparé";
static char bwrap_path[PATH_MAX];
static char suite_path[PATH_MAX];
static char init_path[PATH_MAX];   /* l'init du bac à sable (voir plus haut) */

bool sandbox_enabled(void)
{
    return enabled;
}

const char *sandbox_reason(void)
{
    return reason;
}

/* Les bacs à sable en cours dans ce test : leurs processus vus du test. */
#define MAX_SANDBOXES (MAX_SPAWNED + 1)
static struct {
    pid_t relay, bwrap, init, program;
} running[MAX_SANDBOXES];

static void registry_add(const sandbox_start_msg *m, pid_t relay)
{
    for (size_t i = 0; i < MAX_SANDBOXES; i++) {
        if (__atomic_load_n(&running[i].relay, __ATOMIC_ACQUIRE) <= 0) {
            running[i].bwrap = m->bwrap;
            running[i].init = m->init;
            running[i].program = m->host_pid;
            __atomic_store_n(&running[i].relay, relay, __ATOMIC_RELEASE);
            return;
        }
    }
}

void sandbox_forget(pid_t relay)
{
    for (size_t i = 0; i < MAX_SANDBOXES; i++)
        if (running[i].relay == relay)
            __atomic_store_n(&running[i].relay, 0, __ATOMIC_RELEASE);
}

size_t sandbox_infrastructure(pid_t *pids, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < MAX_SANDBOXES && n + 3 <= max; i++) {
        if (running[i].relay <= 0)
            continue;
        pids[n++] = running[i].relay;
        if (running[i].bwrap > 0)
            pids[n++] = running[i].bwrap;
        if (running[i].init > 0)
            pids[n++] = running[i].init;
    }
    return n;
}

/* Le programme que relaie `relay` (vu du test), ou relay lui-même. Lu par
 * un thread du test (l'échantillonneur du chapitre 03) pendant que le
 * thread principal attend : d'où les lectures atomiques. */
pid_t sandbox_program_pid(pid_t relay)
{
    for (size_t i = 0; i < MAX_SANDBOXES; i++)
        if (relay > 0 && __atomic_load_n(&running[i].relay, __ATOMIC_ACQUIRE) == relay)
            return running[i].program > 0 ? running[i].program : relay;
    return relay;
}

/* Le groupe de processus à geler (SIGSTOP) pour arrêter net le programme
 * et ses enfants : celui de l'init (bwrap l'a mis dans sa propre session). */
pid_t sandbox_process_group(pid_t relay)
{
    for (size_t i = 0; i < MAX_SANDBOXES; i++)
        if (relay > 0 && running[i].relay == relay && running[i].init > 0)
            return running[i].init;
    return relay;
}

/* ---- Préparer la suite -------------------------------------------------- */

/* Cherche `name` dans $PATH. */
static bool find_in_path(const char *name, char *out, size_t size)
{
    const char *path = getenv("PATH");
    char *copy, *save = NULL;
    bool found = false;

    if (path == NULL)
        path = "/usr/bin:/bin";
    copy = strdup(path);
    for (char *dir = strtok_r(copy, ":", &save); dir != NULL && !found;
         dir = strtok_r(NULL, ":", &save)) {
        snprintf(out, size, "%s/%s", dir, name);
        found = access(out, X_OK) == 0;
    }
    free(copy);
    return found;
}

static bool write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

    if (fd >= 0)
        close(fd);
    return ok;
}

/* Un espace de noms réseau neuf pour toute la suite, avec « lo » allumée.
 * Hors root, il faut d'abord un espace de noms utilisateur (où l'on garde
 * son propre uid) pour avoir le droit de le créer. */
static bool private_network(char *why, size_t size)
{
    uid_t uid = getuid();
    gid_t gid = getgid();
    struct ifreq ifr = { 0 };
    int fd;

    if (uid == 0) {
        if (unshare(CLONE_NEWNET) != 0) {
            snprintf(why, size, "espace de noms réseau refusé (%s)", strerror(errno));
            return false;
        }
    } else {
        char map[64];

        if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
            snprintf(why, size, "espaces de noms utilisateur refusés (%s)", strerror(errno));
            return false;
        }
        snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
        write_file("/proc/self/setgroups", "deny\n");
        if (!write_file("/proc/self/uid_map", map)) {
            snprintf(why, size, "uid_map refusé (%s)", strerror(errno));
            return false;
        }
        snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
        write_file("/proc/self/gid_map", map);
    }
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0 ||
        (ifr.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)) {
        snprintf(why, size, "loopback impossible à allumer (%s)", strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    close(fd);
    return true;
}

/* Les options de bwrap, communes à tous les programmes. Dans l'ordre :
 * tout en lecture seule, puis ce qui est caché ou neuf par-dessus. */
static const char *const bwrap_options[] = {
    "--ro-bind", "/", "/",
    /* /sys montrerait les interfaces réseau de la machine : on le cache,
     * sauf ce que lit sysconf(_SC_NPROCESSORS_ONLN) (nombre de cœurs) ; un
     * /sys/class/net vide, pour qui le parcourt (UCX, sous MPICH). */
    "--tmpfs", "/sys",
    "--ro-bind-try", "/sys/devices/system/cpu", "/sys/devices/system/cpu",
    "--dir", "/sys/class/net",
    "--dev", "/dev",
    "--tmpfs", "/dev/shm",          /* sémaphores et mémoire partagée POSIX */
    "--proc", "/proc",              /* le /proc de son espace de pid : lui seul */
    "--tmpfs", "/tmp",              /* le dossier de travail, neuf et privé */
    "--tmpfs", "/run",              /* pas de sockets de services (D-Bus...) */
    "--tmpfs", "/var/tmp",
    "--chdir", "/tmp",
    "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
    "--as-pid-1", "--new-session", "--die-with-parent", "--cap-drop", "ALL",
    NULL,
};

/* La ligne de commande complète : bwrap, ses options, les fichiers
 * accessibles en écriture (`writable`), le dossier des résultats caché,
 * puis l'init et le programme. */
static char **bwrap_argv(char **argv, const char *const *writable, int status_fd,
                         char *fd_text)
{
    size_t n_argv = 0, n_writable = 0, n = 0;
    const char *results = getenv("TD6_RESULTS");
    static char hidden[PATH_MAX];
    char **res;

    while (argv[n_argv] != NULL)
        n_argv++;
    while (writable != NULL && writable[n_writable] != NULL)
        n_writable++;
    res = xrealloc(NULL, (sizeof bwrap_options / sizeof *bwrap_options + 3 * n_writable + 40 +
                          n_argv) * sizeof *res);
    res[n++] = bwrap_path;
    for (size_t i = 0; bwrap_options[i] != NULL; i++)
        res[n++] = (char *)bwrap_options[i];
    for (size_t i = 0; i < n_writable; i++) {
        res[n++] = "--bind";
        res[n++] = (char *)writable[i];
        res[n++] = (char *)writable[i];
    }
    /* Le dossier des résultats ($TD6_RESULTS est un chemin sans
     * extension) : caché par un tmpfs vide, sauf s'il contient le programme
     * lui-même (make check range les copies hostiles à côté de leurs
     * résultats : il reste alors en lecture seule). */
    hidden[0] = '\0';
    if (results != NULL) {
        char dir[PATH_MAX], *slash;

        snprintf(dir, sizeof dir, "%s", results);
        slash = strrchr(dir, '/');
        if (slash != NULL)
            *slash = '\0';
        if (slash == NULL || realpath(dir, hidden) == NULL)
            hidden[0] = '\0';
    }
    if (hidden[0] == '/' && hidden[1] != '\0' &&
        strncmp(argv[0], hidden, strlen(hidden)) != 0) {
        res[n++] = "--tmpfs";
        res[n++] = hidden;
    }
    /* Un programme (ou la suite) rangé sous un dossier que le bac à sable
     * remplace par un tmpfs neuf (/tmp...) : son dossier y est remonté, en
     * lecture seule. Le programme n'est pas toujours argv[0] : sous une
     * enveloppe (mpiexec au chapitre 07, valgrind), c'est un argument ; on
     * remonte donc le dossier de chaque argument qui nomme un exécutable
     * sous ces dossiers (au plus MAX_REMONTES). */
    {
        enum { MAX_REMONTES = 8 };
        static char dirs[MAX_REMONTES][PATH_MAX];
        size_t used = 0;

        for (size_t k = 0; k <= n_argv && used < MAX_REMONTES; k++) {
            const char *bin = k < n_argv ? argv[k] : suite_path;
            char *slash;

            if (strncmp(bin, "/tmp/", 5) != 0 && strncmp(bin, "/var/tmp/", 9) != 0 &&
                strncmp(bin, "/run/", 5) != 0 && strncmp(bin, "/dev/shm/", 9) != 0)
                continue;
            if (k < n_argv && access(bin, X_OK) != 0)
                continue;
            snprintf(dirs[used], sizeof dirs[used], "%s", bin);
            slash = strrchr(dirs[used], '/');
            *slash = '\0';
            /* La suite (build/tests/NN_nom/suite) : tout build/tests, où est
             * aussi la cale LD_PRELOAD du chapitre 02 (tests/lib/). */
            if (k == n_argv && (slash = strrchr(dirs[used], '/')) != NULL && slash != dirs[used])
                *slash = '\0';
            res[n++] = "--ro-bind";
            res[n++] = dirs[used];
            res[n++] = dirs[used];
            used++;
        }
    }
    res[n++] = "--";
    res[n++] = init_path;
    res[n++] = "--td6-init";
    snprintf(fd_text, 16, "%d", status_fd);
    res[n++] = fd_text;
    for (size_t i = 0; i <= n_argv; i++)
        res[n++] = argv[i];
    return res;
}

/* Essaie le bac à sable une fois (avec /bin/true) : un conteneur peut
 * refuser ce que la machine permet. */
static bool probe(char *why, size_t size)
{
    char *argv[] = { "/bin/true", NULL }, fd_text[16];
    char **full = bwrap_argv(argv, NULL, 2, fd_text);
    int err[2], status = 0;
    pid_t pid;
    char msg[200] = "";
    ssize_t len;

    /* Sans l'init : juste bwrap et /bin/true. */
    for (size_t i = 0; full[i] != NULL; i++)
        if (strcmp(full[i], "--") == 0) {
            full[i + 1] = "/bin/true";
            full[i + 2] = NULL;
            break;
        }
    if (pipe2(err, O_CLOEXEC) != 0)
        return false;
    pid = fork();
    if (pid == 0) {
        dup2(err[1], STDERR_FILENO);
        execv(full[0], full);
        _exit(127);
    }
    close(err[1]);
    len = read(err[0], msg, sizeof msg - 1);
    msg[len > 0 ? len : 0] = '\0';
    msg[strcspn(msg, "\n")] = '\0';
    close(err[0]);
    waitpid(pid, &status, 0);
    free(full);
    if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    snprintf(why, size, "bwrap refuse de démarrer (%.150s)", msg[0] ? msg : "?");
    return false;
}

void sandbox_setup_suite(void)
{
    const char *off = getenv("SANS_BAC_A_SABLE");
    char why[200] = "";
    ssize_t len;

    enabled = false;
    if (off != NULL && *off != '\0' && strcmp(off, "0") != 0) {
        snprintf(reason, sizeof reason, "désactivé (SANS_BAC_A_SABLE=%s)", off);
        return;
    }
    /* Le réseau d'abord : même sans bwrap, la suite entière (et donc le
     * programme) ne voit plus que la loopback. */
    if (!private_network(why, sizeof why)) {
        snprintf(reason, sizeof reason, "%s", why);
        return;
    }
    if (!find_in_path("bwrap", bwrap_path, sizeof bwrap_path)) {
        snprintf(reason, sizeof reason, "bwrap introuvable (paquet « bubblewrap », installé "
                 "par scripts/dependances.sh)");
        return;
    }
    len = readlink("/proc/self/exe", suite_path, sizeof suite_path - 1);
    if (len <= 0) {
        snprintf(reason, sizeof reason, "/proc/self/exe illisible");
        return;
    }
    suite_path[len] = '\0';
    /* $BUILD/tests/NN_nom/suite → $BUILD/tests/lib/init_bac_a_sable, sinon
     * la suite elle-même. */
    snprintf(init_path, sizeof init_path, "%s", suite_path);
    {
        char *slash = strrchr(init_path, '/');

        if (slash != NULL) {
            *slash = '\0';
            slash = strrchr(init_path, '/');
        }
        if (slash != NULL && (size_t)(slash - init_path) + 32 < sizeof init_path) {
            strcpy(slash, "/lib/init_bac_a_sable");
            if (access(init_path, X_OK) != 0)
                snprintf(init_path, sizeof init_path, "%s", suite_path);
        } else {
            snprintf(init_path, sizeof init_path, "%s", suite_path);
        }
    }
    if (!probe(why, sizeof why)) {
        snprintf(reason, sizeof reason, "%s", why);
        return;
    }
    enabled = true;
    snprintf(reason, sizeof reason, "actif");
}

/* ---- Le relais (dans l'enfant direct du test) --------------------------- */

/* L'enfant de `parent`, attendu au plus 200 ms (il vient d'être créé). */
static pid_t wait_child_of(pid_t parent)
{
    pid_t child = 0;

    for (int tries = 0; tries < 200 && child == 0; tries++)
        if ((child = child_of(parent)) == 0)
            usleep(1000);
    return child;
}

/* Se terminer comme le programme : même code, ou même signal. */
static void __attribute__((noreturn)) mirror(int status)
{
    if (WIFSIGNALED(status)) {
        struct rlimit no_core = { 0, 0 };
        sigset_t all;

        setrlimit(RLIMIT_CORE, &no_core);
        signal(WTERMSIG(status), SIG_DFL);
        sigfillset(&all);
        sigprocmask(SIG_UNBLOCK, &all, NULL);
        raise(WTERMSIG(status));
        _exit(128 + WTERMSIG(status));
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

void sandbox_exec(char **argv, char **env, int report, bool spawn, const char *const *writable)
{
    int st[2], sfd;
    sigset_t set;
    char fd_text[16], **full;
    pid_t bwrap;
    sandbox_start_msg start = { 0 };
    bool started = false;
    const char *base = strrchr(argv[0], '/');

    /* Le nom du programme : les tests qui cherchent « l'enfant nommé
     * asynchrone » trouvent le relais (td6_thread_count le traduit). */
    prctl(PR_SET_NAME, base != NULL ? base + 1 : argv[0]);
    sandbox_signals(&set, true);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sfd = signalfd(-1, &set, SFD_CLOEXEC);
    /* st[1] traverse bwrap jusqu'à l'init : pas de O_CLOEXEC de ce côté. */
    if (sfd < 0 || pipe(st) != 0 || fcntl(st[0], F_SETFD, FD_CLOEXEC) != 0)
        _exit(127);
    full = bwrap_argv(argv, writable, st[1], fd_text);
    bwrap = fork();
    if (bwrap == 0) {
        sigset_t none;

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* le relais meurt : tout s'arrête */
        execve(full[0], full, env);
        _exit(127);
    }
    close(st[1]);
    start.bwrap = bwrap;
    for (;;) {
        struct pollfd p[2] = { { st[0], POLLIN, 0 }, { sfd, POLLIN, 0 } };
        init_msg m;
        struct signalfd_siginfo si;

        if (poll(p, 2, -1) < 0)
            continue;
        if (p[1].revents && read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
            int status;

            if (si.ssi_signo != SIGCHLD) {
                if (start.init > 0)
                    kill(start.init, (int)si.ssi_signo);
            } else if (waitpid(bwrap, &status, WNOHANG) == bwrap && !started) {
                /* bwrap est mort sans lancer l'init : le bac à sable n'a
                 * pas pu être monté (son message est sur stderr). */
                start.broken = 1;
                if (write(report, &start, sizeof start) < 0)
                    _exit(127);
                _exit(127);
            }
        }
        if (!p[0].revents)
            continue;
        if (read(st[0], &m, sizeof m) != (ssize_t)sizeof m) {
            /* L'init a disparu sans rien dire : tué de l'extérieur. */
            if (!started) {
                start.broken = 1;
                if (write(report, &start, sizeof start) < 0)
                    _exit(127);
            }
            _exit(127);
        }
        if (m.kind == 'S' || m.kind == 'E') {
            started = true;
            start.exec_errno = m.kind == 'E' ? m.value : 0;
            start.ns_pid = m.kind == 'S' ? m.value : 0;
            start.init = wait_child_of(bwrap);
            start.host_pid = m.kind == 'S' && start.init > 0 ? wait_child_of(start.init) : 0;
            if (write(report, &start, sizeof start) != (ssize_t)sizeof start)
                _exit(127);
            continue;
        }
        if (m.kind == 'X') {
            if (spawn)
                mirror(m.value);
            /* td6_run : le test lit le statut, compte ce que le programme
             * a laissé, puis tue tout. */
            if (write(report, &m.value, sizeof m.value) < 0)
                _exit(127);
            for (;;)
                pause();
        }
    }
}

/* ---- Côté test ---------------------------------------------------------- */

bool sandbox_read_start(pid_t relay, int report, sandbox_start_msg *m, double timeout)
{
    struct pollfd p = { report, POLLIN, 0 };

    memset(m, 0, sizeof *m);
    if (poll(&p, 1, (int)(timeout * 1000)) <= 0 ||
        read(report, m, sizeof *m) != (ssize_t)sizeof *m) {
        m->broken = 1;
        return false;
    }
    if (!m->broken && m->exec_errno == 0)
        registry_add(m, relay);
    return !m->broken;
}
