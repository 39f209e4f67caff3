/*
 * harnais.c — implémentation de td6_test.h : lancer le serveur local et le
 * programme testé, lire /stats, faire des requêtes HTTP depuis le test.
 *
 * Chaque test tourne dans son propre processus (mode fork de Check) : les
 * variables globales ci-dessous n'appartiennent donc qu'à un test à la fois.
 */
#include "td6_test.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define OUTPUT_LIMIT (8u << 20)   /* au-delà de 8 Mio, la sortie est coupée */
#define MAX_PROCESSES 100         /* processus simultanés d'un programme testé */
#define REPEAT_SILENCE_S 3.0      /* récidive : silence toléré (avant échelle) */
#define IDLE_S 10.0               /* inactivité totale tolérée (avant échelle) */
#define SILENCE_S 15.0            /* ni sortie ni requête, même en calculant */
#define REPEAT_HTTP_S 2.0         /* récidive : attente d'un serveur déjà muet */
#define MAX_SPAWNED 16

/* État du test en cours (un processus par test). */
static pid_t server_pid = -1;
static char server_url[128];
static int server_latency;
static bool curl_ready;

/* Les programmes lancés par td6_spawn et encore vivants : ni comptés ni
 * tués par le nettoyage de td6_run. */
static struct {
    pid_t pid;
    char name[64];
    char url[128];
} spawned[MAX_SPAWNED];

const char *td6_current_test = "?";

/* ---- Petits outils ------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double td6_scaled(double seconds)
{
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    double k = (m != NULL) ? atof(m) : 1.0;

    return seconds * (k > 0 ? k : 1.0);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);

    if (q == NULL) {
        fprintf(stderr, "harnais : mémoire épuisée\n");
        _exit(3);
    }
    return q;
}

/* Tampon qui grandit, pour les sorties capturées. */
typedef struct {
    char *data;
    size_t len, cap;
    bool truncated;
} buffer;

static void buffer_add(buffer *b, const char *src, size_t n)
{
    if (b->len + n > OUTPUT_LIMIT) {
        b->truncated = true;
        n = OUTPUT_LIMIT - b->len;
    }
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, src, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static char *buffer_take(buffer *b)
{
    if (b->data == NULL)
        buffer_add(b, "", 0);
    return b->data;
}

/* Dans un enfant : mourir si le processus du test meurt (délai dépassé,
 * plantage), pour ne jamais laisser de serveur ou de programme orphelin. */
static void die_with_parent(pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
}

/* Environnement du programme lancé : celui du test, sans proxy (tout se
 * passe sur 127.0.0.1), plus TD6_SERVER et les variables demandées. */
static char **build_env(const char *const *extra)
{
    size_t n = 0, k = 0, n_extra = 0;
    char **env;

    while (environ[n] != NULL)
        n++;
    while (extra != NULL && extra[n_extra] != NULL)
        n_extra++;
    env = xrealloc(NULL, (n + n_extra + 2) * sizeof *env);
    for (size_t i = 0; i < n; i++) {
        if (strncasecmp(environ[i], "http_proxy=", 11) == 0 ||
            strncasecmp(environ[i], "https_proxy=", 12) == 0 ||
            strncasecmp(environ[i], "all_proxy=", 10) == 0 ||
            strncmp(environ[i], "TD6_SERVER=", 11) == 0)
            continue;
        env[k++] = environ[i];
    }
    if (server_pid > 0) {
        static char server_var[160];

        snprintf(server_var, sizeof server_var, "TD6_SERVER=%s", server_url);
        env[k++] = server_var;
    }
    for (size_t i = 0; i < n_extra; i++)
        env[k++] = (char *)extra[i];
    env[k] = NULL;
    return env;
}

static char **build_argv(const char *path, const char *const *args)
{
    size_t n = 0;
    char **argv;

    while (args != NULL && args[n] != NULL)
        n++;
    argv = xrealloc(NULL, (n + 2) * sizeof *argv);
    argv[0] = (char *)path;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = (char *)args[i];
    argv[n + 1] = NULL;
    return argv;
}

/* ---- Les processus lancés par le test ---------------------------------- */

/* Le processus du test devient « subreaper » : un descendant orphelin (son
 * parent est mort, ou il s'est détaché par setsid) lui est rattaché au lieu
 * de l'être à init. Rien ne peut donc échapper au décompte ni au nettoyage. */
static void become_subreaper(void)
{
    static bool done;

    if (!done)
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    done = true;
}

typedef struct {
    pid_t pid, ppid;
    char state;
    unsigned long long cpu;   /* temps processeur consommé (tics) */
} proc_entry;

/* Une photographie de /proc : chaque processus, son parent, son état. */
static size_t proc_snapshot(proc_entry **list)
{
    DIR *d = opendir("/proc");
    size_t n = 0, cap = 256;
    struct dirent *e;

    *list = xrealloc(NULL, cap * sizeof **list);
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char path[300], buf[512], *close_paren;
        int fd;
        ssize_t len;
        int ppid;
        char state;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        len = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (len <= 0)
            continue;
        buf[len] = '\0';
        /* « pid (nom) état ppid ... » : le nom peut contenir des espaces et
         * des parenthèses, on repart de la dernière. */
        unsigned long long utime = 0, stime = 0;

        close_paren = strrchr(buf, ')');
        /* Après « ) » : état, ppid, puis 9 champs, puis utime et stime. */
        if (close_paren == NULL ||
            sscanf(close_paren + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                   &state, &ppid, &utime, &stime) < 2)
            continue;
        if (n == cap) {
            cap *= 2;
            *list = xrealloc(*list, cap * sizeof **list);
        }
        (*list)[n].pid = (pid_t)atoi(e->d_name);
        (*list)[n].ppid = (pid_t)ppid;
        (*list)[n].state = state;
        (*list)[n].cpu = utime + stime;
        n++;
    }
    closedir(d);
    return n;
}

static bool kept(pid_t pid, const pid_t *keep, size_t n_keep)
{
    for (size_t i = 0; i < n_keep; i++)
        if (keep[i] == pid)
            return true;
    return false;
}

/* Marque dans in_tree[] les descendants de root, sauf les sous-arbres des
 * pid de keep. Renvoie le nombre de descendants vivants (pas zombies). */
static size_t mark_descendants(const proc_entry *all, size_t n, bool *in_tree, pid_t root,
                               const pid_t *keep, size_t n_keep)
{
    pid_t max_pid = root;
    unsigned char *marked;
    size_t live = 0;
    bool changed = true;

    for (size_t i = 0; i < n; i++) {
        in_tree[i] = false;
        if (all[i].pid > max_pid)
            max_pid = all[i].pid;
        if (all[i].ppid > max_pid)
            max_pid = all[i].ppid;
    }
    marked = calloc((size_t)max_pid + 1, 1);
    if (marked == NULL)
        return 0;
    marked[root] = 1;
    while (changed) {   /* une passe par génération */
        changed = false;
        for (size_t i = 0; i < n; i++) {
            if (in_tree[i] || !marked[all[i].ppid] || kept(all[i].pid, keep, n_keep))
                continue;
            in_tree[i] = true;
            marked[all[i].pid] = 1;
            changed = true;
        }
    }
    for (size_t i = 0; i < n; i++)
        live += in_tree[i] && all[i].state != 'Z';
    free(marked);
    return live;
}

/* Ce que le test garde en vie : le serveur local et les programmes lancés
 * par td6_spawn. */
static size_t keep_list(pid_t *keep)
{
    size_t n = 0;

    if (server_pid > 0)
        keep[n++] = server_pid;
    for (size_t i = 0; i < MAX_SPAWNED; i++)
        if (spawned[i].pid > 0)
            keep[n++] = spawned[i].pid;
    return n;
}

/* Les noms des derniers descendants comptés : « nom (pid N, état S) », et
 * le temps processeur qu'ils ont consommé en tout. */
static char descendants_names[256];
/* Zombies parmi ces descendants au dernier relevé : des enfants finis que
 * leur parent n'a jamais attendus (le test, « subreaper », en hérite). */
static size_t descendants_zombies;
static unsigned long long descendants_cpu;

/* Nombre de processus vivants lancés par le test, hors serveur et hors
 * programmes de td6_spawn. */
static size_t count_descendants(void)
{
    pid_t keep[MAX_SPAWNED + 1];
    size_t n_keep = keep_list(keep), len = 0, named = 0;
    proc_entry *all;
    size_t n = proc_snapshot(&all), live;
    bool *in_tree = xrealloc(NULL, (n + 1) * sizeof *in_tree);

    live = mark_descendants(all, n, in_tree, getpid(), keep, n_keep);
    descendants_cpu = 0;
    descendants_zombies = 0;
    for (size_t i = 0; i < n; i++) {
        if (in_tree[i])
            descendants_cpu += all[i].cpu;
        descendants_zombies += in_tree[i] && all[i].state == 'Z';
    }
    descendants_names[0] = '\0';
    for (size_t i = 0; i < n && named < 3 && live > 0; i++) {
        char path[64], comm[64] = "?";
        FILE *f;

        if (!in_tree[i] || all[i].state == 'Z')
            continue;
        snprintf(path, sizeof path, "/proc/%d/comm", (int)all[i].pid);
        if ((f = fopen(path, "r")) != NULL) {
            if (fgets(comm, sizeof comm, f) == NULL)
                snprintf(comm, sizeof comm, "?");
            fclose(f);
        }
        comm[strcspn(comm, "\n")] = '\0';
        len += (size_t)snprintf(descendants_names + len, sizeof descendants_names - len,
                                "%s%s (pid %d, état %c)", named ? ", " : "", comm,
                                (int)all[i].pid, all[i].state);
        named++;
        if (len >= sizeof descendants_names)
            break;
    }
    free(in_tree);
    free(all);
    return live;
}

/* Tue tous les descendants (hors `keep`) et ramasse ceux qui sont nos
 * enfants, jusqu'à ce qu'il n'en reste plus : un processus qui forke
 * pendant qu'on tue est rattrapé au tour suivant. Renvoie le nombre de
 * processus vivants trouvés au premier tour. */
static int sweep(const pid_t *keep, size_t n_keep)
{
    int first = -1;

    for (int round = 0; round < 500; round++) {
        proc_entry *all;
        size_t n = proc_snapshot(&all), live;
        bool *in_tree = xrealloc(NULL, (n + 1) * sizeof *in_tree);
        bool any = false;

        live = mark_descendants(all, n, in_tree, getpid(), keep, n_keep);
        if (first < 0)
            first = (int)live;
        for (size_t i = 0; i < n; i++) {
            if (!in_tree[i])
                continue;
            any = true;
            kill(all[i].pid, SIGKILL);
            if (all[i].ppid == getpid())
                waitpid(all[i].pid, NULL, WNOHANG);
        }
        free(in_tree);
        free(all);
        if (!any)
            break;
        usleep(round < 20 ? 2000 : 10000);
    }
    return first < 0 ? 0 : first;
}

int td6_sweep(void)
{
    return sweep(NULL, 0);
}

/* Hors root, RLIMIT_NPROC borne aussi le nombre de processus (et de
 * threads) de l'utilisateur : on le pose à ce qu'il a déjà, plus une marge
 * large. Sous root la limite ne s'applique pas : le décompte de collect()
 * prend le relais. */
static long user_tasks(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    long tasks = 0;
    uid_t uid = getuid();

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char path[300], buf[512], *p;
        struct stat st;
        int fd, field;
        ssize_t len;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s", e->d_name);
        if (stat(path, &st) != 0 || st.st_uid != uid)
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        len = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (len <= 0)
            continue;
        buf[len] = '\0';
        p = strrchr(buf, ')');
        /* Le 20e champ de stat est le nombre de threads ; après « ) » on
         * est au 3e. */
        for (field = 3; p != NULL && field < 20; field++)
            p = strchr(p + 1, ' ');
        tasks += p != NULL ? atol(p + 1) : 1;
    }
    closedir(d);
    return tasks;
}

/* Nombre de tâches (processus et threads) de toute la machine. */
static long system_tasks(void)
{
    struct sysinfo si;

    return sysinfo(&si) == 0 ? (long)si.procs : 0;
}

/* Nombre de threads du processus pid (20e champ de /proc/pid/stat), 0 si
 * illisible. */
static long process_threads(pid_t pid)
{
    char path[64], buf[512], *p;
    int fd, field;
    ssize_t len;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0)
        return 0;
    buf[len] = '\0';
    p = strrchr(buf, ')');
    for (field = 3; p != NULL && field < 20; field++)
        p = strchr(p + 1, ' ');
    return p != NULL ? atol(p + 1) : 0;
}

static int max_processes(void)
{
    const char *v = getenv("TD6_MAX_PROCESSUS");
    int n = v != NULL ? atoi(v) : 0;

    return n > 0 ? n : MAX_PROCESSES;
}

/* ---- Récidive : un programme déjà bloqué dans cette suite --------------- */

/* principal.c crée un dossier d'état par exécution de la suite
 * ($TD6_ETAT) ; un fichier « bloque-<programme> » y dit dans quel test le
 * programme a dépassé son délai, « muet-<programme> » dans quel test un
 * programme lancé par td6_spawn n'a pas répondu. */
static bool state_path(char *path, size_t size, const char *kind, const char *name)
{
    const char *dir = getenv("TD6_ETAT");

    if (dir == NULL || *dir == '\0' || strchr(name, '/') != NULL)
        return false;
    snprintf(path, size, "%s/%s-%s", dir, kind, name);
    return true;
}

/* Le test où `name` a déjà échoué ainsi (dans `test`), ou false. */
static bool state_get(const char *kind, const char *name, char *test, size_t size)
{
    char path[4096];
    FILE *f;

    if (!state_path(path, sizeof path, kind, name) || (f = fopen(path, "r")) == NULL)
        return false;
    if (fgets(test, (int)size, f) == NULL)
        snprintf(test, size, "?");
    fclose(f);
    test[strcspn(test, "\n")] = '\0';
    return true;
}

static void state_set(const char *kind, const char *name)
{
    char path[4096], test[128];
    FILE *f;

    if (state_get(kind, name, test, sizeof test) ||
        !state_path(path, sizeof path, kind, name) || (f = fopen(path, "w")) == NULL)
        return;
    fprintf(f, "%s\n", td6_current_test);
    fclose(f);
}

/* ---- Le serveur local -------------------------------------------------- */

static void server_kill_at_exit(void)
{
    td6_server_stop();
}

/* Lit une ligne sur fd, au plus `timeout` secondes. */
static bool read_line(int fd, char *line, size_t size, double timeout)
{
    double deadline = now_s() + timeout;
    size_t len = 0;

    while (len + 1 < size) {
        struct pollfd p = { fd, POLLIN, 0 };
        int ms = (int)((deadline - now_s()) * 1000);
        char c;

        if (ms <= 0 || poll(&p, 1, ms) <= 0)
            return false;
        if (read(fd, &c, 1) != 1)
            return false;
        if (c == '\n')
            break;
        line[len++] = c;
    }
    line[len] = '\0';
    return len > 0;
}

void td6_server_start(int latency_ms)
{
    const char *bin = getenv("TD6_SERVEUR_BIN");
    pid_t parent = getpid();
    char latency[32];
    int fds[2];

    if (bin == NULL)
        bin = "build/serveur/serveur";
    ck_assert_msg(access(bin, X_OK) == 0,
                  "Serveur de test introuvable (%s) : lancez « make » d'abord.", bin);
    snprintf(latency, sizeof latency, "%d", latency_ms);
    become_subreaper();
    ck_assert_msg(pipe2(fds, O_CLOEXEC) == 0, "pipe : %s", strerror(errno));
    server_pid = fork();
    ck_assert_msg(server_pid >= 0, "fork : %s", strerror(errno));
    if (server_pid == 0) {
        die_with_parent(parent);
        dup2(fds[1], STDOUT_FILENO);
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO);
        if (getenv("TD6_SERVEUR_VERBEUX") == NULL)
            dup2(null, STDERR_FILENO);
        execl(bin, bin, "-p", "0", "-l", latency, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    atexit(server_kill_at_exit);
    bool ok = read_line(fds[0], server_url, sizeof server_url, td6_scaled(10));
    close(fds[0]);
    ck_assert_msg(ok && strncmp(server_url, "http://", 7) == 0,
                  "Le serveur de test n'a pas démarré (aucune URL affichée).");
    server_latency = latency_ms;
}

const char *td6_server_url(void)
{
    return server_url;
}

void td6_server_stop(void)
{
    if (server_pid <= 0)
        return;
    kill(server_pid, SIGTERM);
    for (int i = 0; i < 200; i++) {   /* 2 s au plus pour s'arrêter proprement */
        if (waitpid(server_pid, NULL, WNOHANG) == server_pid) {
            server_pid = -1;
            return;
        }
        usleep(10000);
    }
    kill(server_pid, SIGKILL);
    waitpid(server_pid, NULL, 0);
    server_pid = -1;
}

static long json_long(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

td6_stats td6_server_stats(void)
{
    char url[200];
    td6_stats st;
    json_error_t error;
    json_t *root, *paths;

    snprintf(url, sizeof url, "%s/stats", server_url);
    td6_http h = td6_get(url, 5);
    root = json_loads(h.body, 0, &error);
    ck_assert_msg(h.status == 200 && root != NULL,
                  "Impossible de lire les statistiques du serveur de test (%s).",
                  h.status ? "réponse illisible" : h.error);
    st.requests = json_long(root, "requetes");
    st.connections = json_long(root, "connexions");
    st.peak = json_long(root, "pic_en_vol");
    st.in_flight = json_long(root, "en_vol");
    paths = json_object_get(root, "chemins");
    st.jython = json_long(paths, "/jython");
    st.dice = json_long(paths, "/dice");
    st.xkcd = json_long(paths, "/xkcd");
    st.images = json_long(paths, "/images");
    st.other = json_long(paths, "autres");
    st.clock_ms = json_number_value(json_object_get(root, "horloge_ms"));
    st.first_ms = json_number_value(json_object_get(root, "premiere_ms"));
    st.last_ms = json_number_value(json_object_get(root, "derniere_ms"));
    st.connect_wait_ms = json_number_value(json_object_get(root, "attente_connexion_max_ms"));
    json_decref(root);
    td6_http_free(&h);
    return st;
}

void td6_server_reset(void)
{
    char url[200];

    snprintf(url, sizeof url, "%s/reset", server_url);
    td6_http h = td6_request("POST", url, 5);
    ck_assert_msg(h.status == 200, "Impossible de remettre à zéro le serveur de test.");
    td6_http_free(&h);
}

/* ---- Lancer le programme testé ----------------------------------------- */

const char *td6_program(const char *name)
{
    static char path[4096];
    const char *dir = getenv("TD6_BIN");

    snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : ".", name);
    return path;
}

/* Dans l'enfant : brancher les tubes, se mettre dans son propre groupe de
 * processus (pour pouvoir tuer d'un coup le programme et ses enfants), puis
 * exécuter le programme. En cas d'échec d'exec, errno part par `report`. */
static void exec_child(pid_t parent, const char *path, char **argv, char **env, int out,
                       int err, int report, long nproc)
{
    int null = open("/dev/null", O_RDONLY);

    die_with_parent(parent);
    setpgid(0, 0);
    if (nproc > 0) {
        struct rlimit lim = { (rlim_t)nproc, (rlim_t)nproc };

        setrlimit(RLIMIT_NPROC, &lim);
    }
    {
        /* Un fichier écrit par le programme (sa sortie, pour td6_spawn) ne
         * dépasse pas 64 Mio : au-delà, SIGXFSZ l'arrête. */
        struct rlimit fsize = { 64u << 20, 64u << 20 };

        setrlimit(RLIMIT_FSIZE, &fsize);
    }
    dup2(null, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execve(path, argv, env);
    int e = errno;
    if (write(report, &e, sizeof e) < 0)
        _exit(127);
    _exit(127);
}

/* Lit ce qui est disponible sur fd ; renvoie false à la fin du flux. */
static bool drain(int fd, buffer *b)
{
    char chunk[65536];
    ssize_t n = read(fd, chunk, sizeof chunk);

    if (n > 0) {
        buffer_add(b, chunk, (size_t)n);
        return true;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN);
}

/* Après la fin du programme : ses descendants encore vivants, attendus au
 * plus 1 s (le temps qu'un enfant qui finit disparaisse, même sur une
 * machine très chargée). */
static int count_leftovers(char *names, size_t size, int *zombies)
{
    size_t live = count_descendants();

    *zombies = (int)descendants_zombies;

    for (int i = 0; i < 100 && live > 0; i++) {
        usleep(10000);
        live = count_descendants();
    }
    snprintf(names, size, "%s", descendants_names);
    return (int)live;
}

/* Attend la fin du programme en vidant ses sorties, au plus `timeout`
 * secondes, et l'arrête plus tôt s'il inonde sa sortie, lance trop de
 * processus, ou (silence > 0) reste `silence` secondes sans rien écrire. */
/* L'activité du serveur local, vue de /stats : requêtes servies et
 * requêtes en cours. false si pas de serveur ou pas de réponse. */
static bool server_activity(long *requests, long *in_flight)
{
    char url[200];
    json_t *root;
    bool ok;

    if (server_pid <= 0)
        return false;
    snprintf(url, sizeof url, "%s/stats", server_url);
    td6_http h = td6_request("GET", url, 0.5);
    root = h.status == 200 ? json_loads(h.body, 0, NULL) : NULL;
    ok = root != NULL;
    if (ok) {
        *requests = json_long(root, "requetes");
        *in_flight = json_long(root, "en_vol");
        json_decref(root);
    }
    td6_http_free(&h);
    return ok;
}

/* Les processus laissés par le dernier td6_run (pour le message). */
static char leftover_names[256];

static void collect(td6_result *r, int out, int err, double timeout, double silence)
{
    buffer bo = { 0 }, be = { 0 };
    double deadline = now_s() + timeout, exited_at = 0, next_count = 0, next_probe = 0;
    /* Dernier signe de progrès (sortie, requête au serveur) et dernier
     * signe de vie (les mêmes, plus du temps processeur consommé). */
    double last_output = now_s(), last_alive = now_s();
    double idle = td6_scaled(IDLE_S);
    unsigned long long cpu = 0;
    long requests = -1;
    bool open_out = true, open_err = true, reaped = false;
    int wstatus = 0, cap = max_processes();
    struct rusage usage = { 0 };
    long base_tasks = system_tasks(), base_threads = 0;

    while (!reaped || open_out || open_err) {
        struct pollfd p[2] = { { open_out ? out : -1, POLLIN, 0 },
                               { open_err ? err : -1, POLLIN, 0 } };
        double t = now_s(), left = deadline - t;

        if (!reaped && wait4(r->pid, &wstatus, WNOHANG, &usage) == r->pid) {
            reaped = true;
            exited_at = t;
        }
        /* Le programme est fini mais un de ses enfants garde les tubes
         * ouverts : on n'attend pas plus d'une demi-seconde. */
        if (reaped && t - exited_at > 0.5)
            break;
        if (left <= 0) {
            r->timed_out = true;
            break;
        }
        /* Ni sortie ni requête au serveur depuis `silence` secondes, même
         * s'il calcule : une boucle infinie (aucun programme juste du TD ne
         * calcule si longtemps en silence). */
        if (silence > 0 && !reaped && t - last_output > silence) {
            r->timed_out = r->silent = true;
            break;
        }
        /* Rien ne bouge : ni sortie, ni calcul, ni requête en cours au
         * serveur. Un interblocage, un programme qui attend pour toujours :
         * inutile d'attendre la fin du délai. */
        if (!reaped && t - last_alive > idle) {
            r->timed_out = r->idle = true;
            break;
        }
        /* Toutes les 500 ms : le serveur voit-il passer des requêtes ? */
        if (!reaped && t >= next_probe && server_pid > 0) {
            long req = 0, fly = 0;

            if (server_activity(&req, &fly) && (req != requests || fly > 0)) {
                if (requests >= 0 || fly > 0)
                    last_output = last_alive = now_s();
                requests = req;
            }
            next_probe = now_s() + 0.5;
        }
        /* Une sortie de plus de 8 Mio : inutile d'attendre la suite. */
        if (bo.truncated || be.truncated) {
            r->flooded = true;
            break;
        }
        /* Combien de processus a-t-il lancés ? Compter dans /proc coûte :
         * on le fait toutes les 250 ms, ou aussitôt que le nombre total de
         * tâches de la machine (sysinfo, une lecture) a bondi. Une boucle de
         * fork() va plus vite que nous, et ses processus nous prennent le
         * processeur : après un tel bond, on gèle d'abord son groupe
         * (SIGSTOP), on compte, puis on tue ou on relâche (SIGCONT). */
        long tasks = system_tasks(), threads = reaped ? 0 : process_threads(r->pid);
        /* Les threads du programme lui-même (un pool de 200 threads) ne
         * sont pas des processus : on les retire du bond. */
        long jump = tasks - base_tasks - (threads > base_threads ? threads - base_threads : 0);

        if (t >= next_count || jump > cap) {
            bool frozen = jump > cap;
            int n;

            if (frozen)
                kill(-r->pid, SIGSTOP);
            n = (int)count_descendants();
            if (descendants_cpu != cpu) {
                cpu = descendants_cpu;
                last_alive = now_s();
            }
            if (n > r->processes)
                r->processes = n;
            if (n > cap) {
                r->too_many_processes = true;
                break;
            }
            if (frozen)
                kill(-r->pid, SIGCONT);
            base_tasks = tasks;
            base_threads = threads;
            next_count = t + 0.25;
        }
        if (poll(p, 2, 20) > 0) {
            size_t before = bo.len + be.len;

            if (p[0].revents && !drain(out, &bo))
                open_out = false;
            if (p[1].revents && !drain(err, &be))
                open_err = false;
            if (bo.len + be.len != before)
                last_output = last_alive = now_s();
        }
    }
    if (reaped && !r->too_many_processes && !r->flooded)
        r->leftover_count = count_leftovers(leftover_names, sizeof leftover_names,
                                            &r->zombies);
    r->leftovers = r->leftover_count > 0;
    kill(-r->pid, SIGKILL);
    if (!reaped)
        wait4(r->pid, &wstatus, 0, &usage);
    /* Temps processeur du programme (tous ses threads, et ses enfants
     * attendus) : pas un chronomètre, la charge de la machine ne le gonfle
     * pas. */
    r->cpu_s = (double)usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
               (double)usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
    {
        pid_t keep[MAX_SPAWNED + 1];
        size_t n_keep = keep_list(keep);

        sweep(keep, n_keep);   /* le groupe, et ce qui l'a quitté */
    }
    r->exited = !r->timed_out && WIFEXITED(wstatus);
    r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    r->signal = (!r->timed_out && WIFSIGNALED(wstatus)) ? WTERMSIG(wstatus) : 0;
    r->truncated = bo.truncated || be.truncated;
    r->out = buffer_take(&bo);
    r->out_len = bo.len;
    r->err = buffer_take(&be);
    r->err_len = be.len;
}

/* $TD6_ENVELOPPE s'applique-t-il au programme `name` ? */
static bool wrapped(const char *name)
{
    const char *w = getenv("TD6_ENVELOPPE"), *progs = getenv("TD6_ENVELOPPE_PROGS");
    size_t len = strlen(name);

    if (w == NULL || *w == '\0')
        return false;
    if (progs == NULL || *progs == '\0')
        return true;
    for (const char *p = strstr(progs, name); p != NULL; p = strstr(p + 1, name))
        if ((p == progs || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
            return true;
    return false;
}

/* argv précédé des mots de $TD6_ENVELOPPE (séparés par des espaces). */
static char **wrap_argv(char **argv, char **words_out)
{
    char *words = strdup(getenv("TD6_ENVELOPPE"));
    size_t n_argv = 0, n = 0;
    char **res, *save = NULL;

    while (argv[n_argv] != NULL)
        n_argv++;
    res = xrealloc(NULL, (strlen(words) / 2 + n_argv + 2) * sizeof *res);
    for (char *w = strtok_r(words, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
        res[n++] = w;
    for (size_t i = 0; i <= n_argv; i++)
        res[n++] = argv[i];
    *words_out = words;
    return res;
}

td6_result td6_run(const char *name, const char *const *args, const char *const *env,
                   double timeout_s)
{
    td6_result r = { 0 };
    char *path = strdup(td6_program(name)), *words = NULL, hung_in[128];
    char **argv = build_argv(path, args), **envp = build_env(env), **full = argv;
    int out[2], err[2], report[2], e = 0;
    pid_t parent = getpid();
    long nproc = 0;

    become_subreaper();
    if (getuid() != 0)
        nproc = user_tasks() + 1000;
    if (wrapped(name) && access(path, X_OK) == 0)
        full = wrap_argv(argv, &words);
    r.repeat = state_get("bloque", name, hung_in, sizeof hung_in);
    /* $TD6_SILENCE_S : un test qui lance exprès un long calcul muet (le
     * chapitre 05 au-delà de 2^63) tolère plus de silence. */
    r.silence_s = td6_scaled(r.repeat ? REPEAT_SILENCE_S
                             : getenv("TD6_SILENCE_S") != NULL ? atof(getenv("TD6_SILENCE_S"))
                                                               : SILENCE_S);
    ck_assert_msg(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0 &&
                  pipe2(report, O_CLOEXEC) == 0, "pipe : %s", strerror(errno));
    fflush(NULL);
    r.pid = fork();
    ck_assert_msg(r.pid >= 0, "fork : %s", strerror(errno));
    if (r.pid == 0)
        exec_child(parent, full[0], full, envp, out[1], err[1], report[1], nproc);
    setpgid(r.pid, r.pid);   /* aussi côté parent : pas de course au kill */
    close(out[1]);
    close(err[1]);
    close(report[1]);
    if (read(report[0], &e, sizeof e) == (ssize_t)sizeof e)
        r.not_found = true;
    close(report[0]);
    collect(&r, out[0], err[0], td6_scaled(timeout_s), r.silence_s);
    if (r.timed_out)
        state_set("bloque", name);
    close(out[0]);
    close(err[0]);
    if (full != argv)
        free(full);
    free(words);
    free(argv);
    free(envp);
    free(path);
    return r;
}

/* Un aperçu d'une sortie pour un message : son nombre de lignes et sa
 * dernière ligne (coupée à 150 caractères), ou « rien ». */
static const char *output_summary(const char *text, size_t len)
{
    static char buf[256];
    size_t lines = 0, end = len, start;

    if (text == NULL || len == 0)
        return "rien";
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    while (end > 0 && text[end - 1] == '\n')
        end--;
    start = end;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    snprintf(buf, sizeof buf, "%zu ligne%s, la dernière : « %.*s%s »", lines + (text[len - 1]
             != '\n'), lines > 1 ? "s" : "", (int)(end - start > 150 ? 150 : end - start),
             text + start, end - start > 150 ? "..." : "");
    return buf;
}

static const char *signal_hint(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "accès mémoire invalide : pointeur NULL, tableau dépassé, mémoire déjà libérée ?";
    case SIGABRT:
        return "abort() : un assert raté, une double libération (double free) ?";
    case SIGFPE:
        return "erreur arithmétique : division par zéro ?";
    case SIGBUS:
        return "accès mémoire mal aligné ou fichier tronqué";
    case SIGPIPE:
        return "écriture dans un tube ou une socket fermée";
    case SIGKILL:
        return "tué de l'extérieur (mémoire épuisée ?)";
    default:
        return "signal inattendu";
    }
}

void td6_require_finished(const td6_result *r, const char *name)
{
    if (r->not_found)
        ck_abort_msg("Impossible de lancer %s : le programme n'est pas construit. "
                     "Lancez « make » et lisez les erreurs de compilation.", td6_program(name));
    if (r->too_many_processes)
        ck_abort_msg("%s a lancé plus de %d processus à la fois : tous ont été arrêtés. "
                     "Un fork() dans une boucle sans fin ? L'enfant doit faire son travail "
                     "puis _exit(), sans reboucler ni forker à son tour ; le parent en "
                     "lance un nombre fixe (-j) et les attend (waitpid).",
                     name, max_processes());
    if (r->flooded) {
        const char *text = r->out_len > 0 ? r->out : r->err;
        int first = (int)strcspn(text, "\n");

        ck_abort_msg("%s a écrit plus de 8 Mio : il a été arrêté, sa sortie coupée. Un "
                     "affichage dans une boucle qui ne s'arrête pas ? Première ligne : "
                     "« %.*s »", name, first > 120 ? 120 : first, text);
    }
    if (r->timed_out && r->idle)
        ck_abort_msg("%s ne s'est pas terminé : il ne faisait plus rien depuis %.0f s (ni "
                     "sortie, ni calcul, ni requête au serveur) et a été arrêté. Un "
                     "interblocage (deadlock : un verrou jamais rendu, un pthread_join ou un "
                     "waitpid qui attend pour toujours, un read sur un tube jamais fermé) ? "
                     "Sortie déjà affichée : %s.", name, td6_scaled(IDLE_S),
                     output_summary(r->out, r->out_len));
    if (r->timed_out && r->silent && r->repeat)
        ck_abort_msg("%s ne s'est pas terminé : déjà bloqué dans un test précédent, il est "
                     "resté ici %.0f s sans rien écrire et a été arrêté (boucle infinie, "
                     "interblocage ?). Corrigez d'abord le premier test bloqué. "
                     "Sortie déjà affichée : %s.", name, r->silence_s,
                     output_summary(r->out, r->out_len));
    if (r->timed_out && r->silent)
        ck_abort_msg("%s ne s'est pas terminé : il a calculé %.0f s sans rien écrire ni rien "
                     "demander au serveur, et a été arrêté. Une boucle infinie (une condition "
                     "qui ne change jamais, un indice qui n'avance pas) ? "
                     "Sortie déjà affichée : %s.", name, r->silence_s,
                     output_summary(r->out, r->out_len));
    if (r->timed_out)
        ck_abort_msg("%s ne s'est pas terminé à temps : une attente sans fin (un appel "
                     "réseau sans délai, CURLOPT_TIMEOUT_MS), une boucle infinie, ou, s'il "
                     "lance des threads ou des processus, un verrou jamais rendu, un "
                     "pthread_join ou un waitpid qui attend pour toujours ? "
                     "Sortie déjà affichée : %s.", name, output_summary(r->out, r->out_len));
    if (!r->exited)
        ck_abort_msg("%s a planté (signal %d, %s) : %s", name, r->signal,
                     strsignal(r->signal), signal_hint(r->signal));
    td6_require_clean(r, name);
    if (r->leftovers)
        ck_abort_msg("%s s'est terminé en laissant %d processus derrière lui (le test les "
                     "a tués) : un enfant jamais attendu (waitpid) ou jamais arrêté ? "
                     "Restaient : %s.", name, r->leftover_count, leftover_names);
}

/* Un rapport de sanitizer dans stderr : le programme a fini, mais il a un
 * défaut que le test ne voit pas toujours (make sanitize). */
void td6_require_clean(const td6_result *r, const char *name)
{
    static const struct {
        const char *mark, *what;
    } reports[] = {
        { "WARNING: ThreadSanitizer: data race", "une course de données (data race) : deux "
          "threads touchent la même variable sans verrou, l'un en écriture" },
        { "ThreadSanitizer", "un problème de threads (ThreadSanitizer)" },
        { "ERROR: AddressSanitizer", "un accès mémoire invalide (AddressSanitizer)" },
        { "ERROR: LeakSanitizer", "une fuite de mémoire (LeakSanitizer) : un malloc sans free" },
        { "runtime error:", "un comportement indéfini (UBSan), par exemple un dépassement "
          "d'entier signé" },
    };
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        const char *at = strstr(r->err, reports[i].mark);

        if (at != NULL) {
            char frame[300];

            ck_abort_msg("%s : le sanitizer a trouvé %s. Premier endroit de votre code dans "
                         "le rapport : %s. Début du rapport : %.300s", name, reports[i].what,
                         td6_student_frame(at, frame, sizeof frame), at);
        }
    }
    /* valgrind (make valgrind, option -q) n'écrit que ses rapports, chaque
     * ligne préfixée par « ==pid== ». */
    for (const char *at = strstr(r->err, "=="); at != NULL; at = strstr(at + 2, "==")) {
        int pid, len = 0;

        if (sscanf(at, "==%d==%n", &pid, &len) == 1 && len > 0 && at[len] == ' ')
            ck_abort_msg("%s : valgrind (memcheck) a trouvé un problème de mémoire "
                         "(lecture invalide, variable non initialisée, fuite...). Début du "
                         "rapport : %.400s", name, at);
    }
}

void td6_result_free(td6_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ---- Programme en arrière-plan ----------------------------------------- */

static int temp_file(char *path, size_t size, const char *tag)
{
    const char *tmp = getenv("TMPDIR"); /* celui de l'exécution (tester.sh), effacé à la fin */

    snprintf(path, size, "%s/td6-%s-XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp", tag);
    return mkstemp(path);
}

/* Le registre des programmes lancés par td6_spawn. */
static void spawned_add(pid_t pid, const char *name)
{
    for (size_t i = 0; i < MAX_SPAWNED; i++) {
        if (spawned[i].pid <= 0) {
            spawned[i].pid = pid;
            snprintf(spawned[i].name, sizeof spawned[i].name, "%s", name);
            spawned[i].url[0] = '\0';
            return;
        }
    }
}

static void spawned_remove(pid_t pid)
{
    for (size_t i = 0; i < MAX_SPAWNED; i++)
        if (spawned[i].pid == pid)
            spawned[i].pid = 0;
}

/* Le programme lancé par td6_spawn qui écoute à `url`, ou NULL. */
static const char *spawned_name_for(const char *url)
{
    for (size_t i = 0; i < MAX_SPAWNED; i++) {
        size_t len = strlen(spawned[i].url);

        if (spawned[i].pid > 0 && len > 0 && strncmp(url, spawned[i].url, len) == 0)
            return spawned[i].name;
    }
    return NULL;
}

td6_process td6_spawn(const char *name, const char *const *args, const char *const *env,
                      double timeout_s)
{
    td6_process p = { 0 };
    char *path = strdup(td6_program(name)), hung_in[128];
    char **argv = build_argv(path, args), **envp = build_env(env);
    int out = temp_file(p.out_path, sizeof p.out_path, "sortie");
    int err = temp_file(p.err_path, sizeof p.err_path, "erreurs");
    int rd = open(p.out_path, O_RDONLY);
    bool repeat = state_get("silencieux", name, hung_in, sizeof hung_in);
    double wait = td6_scaled(repeat && timeout_s > REPEAT_HTTP_S ? REPEAT_HTTP_S : timeout_s);
    double deadline = now_s() + wait;
    pid_t parent = getpid();
    buffer line = { 0 };
    long nproc = getuid() != 0 ? user_tasks() + 1000 : 0;

    become_subreaper();

    ck_assert_msg(out >= 0 && err >= 0 && rd >= 0, "fichier temporaire : %s", strerror(errno));
    ck_assert_msg(access(path, X_OK) == 0,
                  "Impossible de lancer %s : le programme n'est pas construit. "
                  "Lancez « make » et lisez les erreurs de compilation.", path);
    fflush(NULL);
    p.pid = fork();
    ck_assert_msg(p.pid >= 0, "fork : %s", strerror(errno));
    if (p.pid == 0)
        exec_child(parent, path, argv, envp, out, err, -1, nproc);
    setpgid(p.pid, p.pid);
    spawned_add(p.pid, name);
    close(out);
    close(err);
    free(argv);
    free(envp);
    free(path);
    /* On lit le fichier de sortie au fur et à mesure jusqu'au premier '\n'. */
    while (line.len == 0 || line.data[line.len - 1] != '\n') {
        char c;
        ssize_t n = read(rd, &c, 1);

        if (n == 1) {
            buffer_add(&line, &c, 1);
            continue;
        }
        if (!td6_alive(&p) || now_s() > deadline) {
            close(rd);
            bool alive = td6_alive(&p);
            td6_kill(&p);
            if (alive)
                state_set("silencieux", name);
            if (line.len > 0)
                free(line.data);
            ck_abort_msg("%s %s sans afficher sa première ligne (l'URL où il écoute)%s.",
                         name, alive ? "n'a rien affiché à temps" : "s'est arrêté",
                         repeat ? " ; déjà muet dans un test précédent, il n'avait ici "
                         "que 2 s" : "");
        }
        /* Une première ligne interminable (un programme qui écrit sans
         * jamais passer à la ligne) : inutile d'aller plus loin. */
        if (line.len > 4096)
            break;
        usleep(5000);
    }
    close(rd);
    line.data[line.len - 1] = '\0';
    p.first_line = line.data;
    for (size_t i = 0; i < MAX_SPAWNED; i++)
        if (spawned[i].pid == p.pid)
            snprintf(spawned[i].url, sizeof spawned[i].url, "%s", p.first_line);
    return p;
}

bool td6_alive(td6_process *p)
{
    if (p->pid <= 0)
        return false;
    if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
        kill(-p->pid, SIGKILL);   /* ce qui restait de son groupe */
        spawned_remove(p->pid);
        p->pid = -1;
        return false;
    }
    return true;
}

void td6_kill(td6_process *p)
{
    if (p->pid > 0) {
        pid_t pid = p->pid;

        kill(-p->pid, SIGTERM);
        for (int i = 0; i < 100 && td6_alive(p); i++)
            usleep(10000);
        if (p->pid > 0) {
            kill(-p->pid, SIGKILL);
            waitpid(p->pid, NULL, 0);
        }
        kill(-pid, SIGKILL);
        spawned_remove(pid);
        p->pid = -1;
    }
    if (p->out_path[0] != '\0')
        unlink(p->out_path);
    if (p->err_path[0] != '\0')
        unlink(p->err_path);
    p->out_path[0] = p->err_path[0] = '\0';
    free(p->first_line);
    p->first_line = NULL;
}

/* ---- HTTP --------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
    buffer_add(userdata, data, size * n);
    return size * n;
}

td6_http td6_request(const char *method, const char *url, double timeout_s)
{
    td6_http h = { 0 };
    buffer body = { 0 };
    CURL *curl;
    CURLcode rc;

    const char *target = spawned_name_for(url);
    char quiet_in[128];
    bool repeat = target != NULL && state_get("muet", target, quiet_in, sizeof quiet_in);

    /* Récidive : ce programme n'a déjà pas répondu dans un test précédent. */
    if (repeat && timeout_s > REPEAT_HTTP_S)
        timeout_s = REPEAT_HTTP_S;
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = true;
    }
    curl = curl_easy_init();
    ck_assert_msg(curl != NULL, "curl_easy_init a échoué");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)(td6_scaled(timeout_s) * 1000));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    if (strcmp(method, "POST") == 0)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
    else if (strcmp(method, "GET") != 0)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &h.status);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(h.error, sizeof h.error, "pas de réponse complète dans le délai (%.3g s)%s "
                 "(%s)", td6_scaled(timeout_s), repeat ? ", déjà muet dans un test précédent"
                 : "", curl_easy_strerror(rc));
    else if (rc == CURLE_COULDNT_CONNECT)
        snprintf(h.error, sizeof h.error, "connexion refusée : personne n'écoute à cette "
                 "adresse (%s)", curl_easy_strerror(rc));
    else if (rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR)
        snprintf(h.error, sizeof h.error, "connexion fermée sans réponse HTTP (%s)",
                 curl_easy_strerror(rc));
    else
        snprintf(h.error, sizeof h.error, "échec de la requête (%s)", curl_easy_strerror(rc));
    if (rc == CURLE_OPERATION_TIMEDOUT && target != NULL)
        state_set("muet", target);
    curl_easy_cleanup(curl);
    h.body = buffer_take(&body);
    h.len = body.len;
    return h;
}

td6_http td6_get(const char *url, double timeout_s)
{
    return td6_request("GET", url, timeout_s);
}

void td6_http_free(td6_http *h)
{
    free(h->body);
    h->body = NULL;
}

/* ---- Lire une sortie --------------------------------------------------- */

size_t td6_lines(const char *text, char ***lines)
{
    size_t n = 0, cap = 16;
    const char *p = text;

    *lines = xrealloc(NULL, cap * sizeof **lines);
    while (*p != '\0') {
        const char *end = strchr(p, '\n');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

        if (n == cap) {
            cap *= 2;
            *lines = xrealloc(*lines, cap * sizeof **lines);
        }
        (*lines)[n] = strndup(p, len);
        n++;
        p += len + (end != NULL);
    }
    return n;
}

void td6_lines_free(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

size_t td6_count(const char *text, const char *needle)
{
    size_t n = 0, len = strlen(needle);

    if (len == 0)
        return 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + len, needle))
        n++;
    return n;
}

/* ---- Valeurs attendues ------------------------------------------------- */

unsigned __int128 td6_sum_squares(long n)
{
    unsigned __int128 m = (unsigned __int128)n;

    return n < 2 ? 0 : m * (m - 1) * (2 * m - 1) / 6;
}

char *td6_u128_text(unsigned __int128 value, char buf[48])
{
    char tmp[48];
    size_t len = 0;

    /* Les chiffres sortent de droite à gauche : on les remet dans l'ordre. */
    do {
        tmp[len++] = (char)('0' + (int)(value % 10));
        value /= 10;
    } while (value != 0);
    for (size_t i = 0; i < len; i++)
        buf[i] = tmp[len - 1 - i];
    buf[len] = '\0';
    return buf;
}

long td6_thread_count(pid_t pid)
{
    char path[64];
    DIR *task;
    struct dirent *e;
    long n = 0;

    snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
    task = opendir(path);
    if (task == NULL)
        return -1;
    while ((e = readdir(task)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(task);
    return n;
}

double td6_cpu_seconds(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long long utime = 0, stime = 0;
    long ticks = sysconf(_SC_CLK_TCK);
    int fd;
    ssize_t len;

    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0)
        return -1;
    buf[len] = '\0';
    /* Après « ) » : état, puis 10 champs, puis utime et stime (14e et 15e). */
    p = strrchr(buf, ')');
    if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                            &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)(ticks > 0 ? ticks : 100);
}

/* Une ligne de pile de `report` (« #N ... fichier.c:ligne ») est-elle dans
 * un dossier d'exercice (…/NN_nom/fichier.c), donc dans le code de
 * l'étudiant, et pas dans libcurl, la libc ou commun/ ? */
static bool student_path(const char *line, size_t len)
{
    for (size_t i = 0; i + 4 < len; i++)
        if (line[i] == '/' && line[i + 1] >= '0' && line[i + 1] <= '9' && line[i + 2] >= '0' &&
            line[i + 2] <= '9' && line[i + 3] == '_' && memmem(line + i, len - i, ".c:", 3))
            return true;
    return false;
}

const char *td6_student_frame(const char *report, char *buf, size_t size)
{
    for (const char *line = report; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        const char *hash = line;

        while (hash < line + len && (*hash == ' ' || *hash == '\t'))
            hash++;
        if (*hash == '#' && student_path(line, len)) {
            /* « #0 0x55d1 in download_worker /chemin/02_threads/threads.c:163:13 » :
             * on garde la fonction et fichier:ligne, sans le chemin. */
            const char *in = memmem(hash, len - (size_t)(hash - line), " in ", 4);
            const char *func = in != NULL ? in + 4 : strchr(hash, ' ');
            const char *path = func != NULL ? strchr(func + 1, ' ') : NULL;
            const char *file = path;

            while (func != NULL && *func == ' ')
                func++;
            for (const char *c = path != NULL ? path + 1 : NULL;
                 c != NULL && c < line + len && *c != ' ' && *c != '('; c++)
                if (*c == '/')
                    file = c + 1;
            if (func != NULL && path != NULL && file != NULL) {
                size_t flen = strcspn(file, " (\n");

                snprintf(buf, size, "« %.*s », dans %.*s", (int)(path - func), func,
                         (int)flen, file == path ? file + 1 : file);
                return buf;
            }
            snprintf(buf, size, "« %.*s »", (int)(len - (size_t)(hash - line)), hash);
            return buf;
        }
        line = end != NULL ? end + 1 : NULL;
    }
    snprintf(buf, size, "aucun (le rapport ne cite que des bibliothèques)");
    return buf;
}

void td6_use_sanitized(const char *variable)
{
    const char *dir = getenv(variable);

    if (dir == NULL || *dir == '\0' || access(dir, X_OK) != 0)
        ck_abort_msg("Ce test lance vos programmes compilés avec un sanitizer ($%s), qui "
                     "n'ont pas été construits : lancez-le par « make test », qui les "
                     "construit (s'il manque le compilateur ou les bibliothèques des "
                     "sanitizers, lisez scripts/dependances.sh).", variable);
    setenv("TD6_BIN", dir, 1);
    /* halt_on_error=0 : tous les rapports, pas seulement le premier ; les
     * fuites sont cherchées à la sortie (LeakSanitizer, avec ASan). */
    setenv("TSAN_OPTIONS", "halt_on_error=0 second_deadlock_stack=1", 0);
    /* fast_unwind_on_malloc=0 : libcurl n'a pas de pointeurs de cadre ; sans
     * cela, la pile d'une fuite s'arrête dans libcurl, avant votre code. */
    setenv("ASAN_OPTIONS", "detect_leaks=1:fast_unwind_on_malloc=0", 0);
    setenv("UBSAN_OPTIONS", "print_stacktrace=1", 0);
}
