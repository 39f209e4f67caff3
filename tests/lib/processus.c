/*
 * processus.c — l'arbre des processus lancés par un test, lu dans /proc.
 *
 * Le processus du test est « subreaper » : tout ce que lance le programme
 * testé, même détaché (setsid, double fork), reste son descendant. On peut
 * donc compter ces processus (trop nombreux ? encore là à la fin ?
 * zombies ?), mesurer leur temps processeur et les tuer tous (balayage).
 */
#include "interne.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

/* Dans un enfant : mourir si le processus du test meurt (délai dépassé,
 * plantage), pour ne jamais laisser de serveur ou de programme orphelin. */
void die_with_parent(pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
}

/* Le processus du test devient « subreaper » : un descendant orphelin (son
 * parent est mort, ou il s'est détaché par setsid) lui est rattaché au lieu
 * de l'être à init. Rien ne peut donc échapper au décompte ni au nettoyage. */
void become_subreaper(void)
{
    static bool done;

    if (!done)
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    done = true;
}

/* Lit /proc/<pid>/stat dans buf et renvoie ce qui suit la dernière « ) »
 * (« pid (nom) état ppid ... » : le nom peut contenir des espaces et des
 * parenthèses, on repart donc de la dernière), NULL si illisible. Après
 * « ) » commence le 3e champ (l'état). */
const char *proc_stat(const char *pid, char *buf, size_t size)
{
    char path[300], *close_paren;
    ssize_t len;
    int fd;

    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    len = read(fd, buf, size - 1);
    close(fd);
    if (len <= 0)
        return NULL;
    buf[len] = '\0';
    close_paren = strrchr(buf, ')');
    return close_paren != NULL ? close_paren + 1 : NULL;
}

/* Le champ n (numérotation de proc(5), n ≥ 3) de ce que renvoie proc_stat,
 * lu comme un entier ; `otherwise` si absent. */
static long stat_field(const char *after, int n, long otherwise)
{
    for (int field = 3; after != NULL && field < n; field++)
        after = strchr(after + 1, ' ');
    return after != NULL ? atol(after + 1) : otherwise;
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
        char buf[512];
        const char *after;
        unsigned long long utime = 0, stime = 0;
        int ppid;
        char state;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        /* Après « ) » : état, ppid, puis 9 champs, puis utime et stime. */
        after = proc_stat(e->d_name, buf, sizeof buf);
        if (after == NULL ||
            sscanf(after, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
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
/* Le parent de `pid` lu dans /proc/pid/stat, -1 s'il a disparu. */
static pid_t parent_of(const char *pid)
{
    char buf[512];
    const char *after = proc_stat(pid, buf, sizeof buf);
    int ppid;

    if (after == NULL || sscanf(after, " %*c %d", &ppid) != 1)
        return -1;
    return (pid_t)ppid;
}

/* Un enfant vient d'être créé : son pid est presque toujours plus grand
 * que celui de son parent (les pid croissent), on ne lit donc que ceux-là,
 * peu nombreux ; tous, si les pid ont fait le tour. */
pid_t child_of(pid_t parent)
{
    for (int pass = 0; pass < 2; pass++) {
        DIR *d = opendir("/proc");
        struct dirent *e;
        pid_t child = 0;

        if (d == NULL)
            return 0;
        while (child == 0 && (e = readdir(d)) != NULL) {
            pid_t pid = (pid_t)atoi(e->d_name);

            if (pid <= 0 || (pass == 0 && pid <= parent))
                continue;
            if (parent_of(e->d_name) == parent)
                child = pid;
        }
        closedir(d);
        if (child != 0)
            return child;
    }
    return 0;
}

size_t keep_list(pid_t *keep)
{
    size_t n = 0;

    if (server_current_pid() > 0)
        keep[n++] = server_current_pid();
    return n + spawned_pids(keep + n);
}

/* Les processus vivants lancés par le test, hors serveur, hors
 * programmes de td6_spawn et hors bac à sable ; les zombies parmi eux (des enfants finis que
 * leur parent n'a jamais attendus : le test, « subreaper », en hérite),
 * leur temps processeur en tout, et les noms des trois premiers. */
descendants count_descendants(void)
{
    pid_t keep[MAX_SPAWNED + 1];
    size_t n_keep = keep_list(keep), len = 0, named = 0;
    proc_entry *all;
    size_t n = proc_snapshot(&all);
    bool *in_tree = xrealloc(NULL, (n + 1) * sizeof *in_tree);
    descendants d = { 0 };

    pid_t infra[3 * (MAX_SPAWNED + 1)];
    size_t n_infra = sandbox_infrastructure(infra, sizeof infra / sizeof *infra);

    mark_descendants(all, n, in_tree, getpid(), keep, n_keep);
    /* Le bac à sable (relais, bwrap, init) n'est pas au programme : on
     * compte ses descendants, pas lui. */
    for (size_t i = 0; i < n; i++) {
        in_tree[i] = in_tree[i] && !kept(all[i].pid, infra, n_infra);
        d.live += in_tree[i] && all[i].state != 'Z';
    }
    for (size_t i = 0; i < n; i++) {
        if (in_tree[i])
            d.cpu += all[i].cpu;
        d.zombies += in_tree[i] && all[i].state == 'Z';
    }
    for (size_t i = 0; i < n && named < 3 && d.live > 0; i++) {
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
        len += (size_t)snprintf(d.names + len, sizeof d.names - len,
                                "%s%s (pid %d, état %c)", named ? ", " : "", comm,
                                (int)all[i].pid, all[i].state);
        named++;
        if (len >= sizeof d.names)
            break;
    }
    free(in_tree);
    free(all);
    return d;
}

/* Tue tous les descendants (hors `keep`) et ramasse ceux qui sont nos
 * enfants, jusqu'à ce qu'il n'en reste plus : un processus qui forke
 * pendant qu'on tue est rattrapé au tour suivant. Renvoie le nombre de
 * processus vivants trouvés au premier tour. */
int sweep(const pid_t *keep, size_t n_keep)
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
long user_tasks(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    long tasks = 0;
    uid_t uid = getuid();

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char path[300], buf[512];
        struct stat st;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s", e->d_name);
        if (stat(path, &st) != 0 || st.st_uid != uid)
            continue;
        /* Le 20e champ de stat est le nombre de threads. */
        tasks += stat_field(proc_stat(e->d_name, buf, sizeof buf), 20, 1);
    }
    closedir(d);
    return tasks;
}

/* Nombre de tâches (processus et threads) de toute la machine. */
long system_tasks(void)
{
    struct sysinfo si;

    return sysinfo(&si) == 0 ? (long)si.procs : 0;
}

/* Nombre de threads du processus pid (20e champ de /proc/pid/stat), 0 si
 * illisible. */
long process_threads(pid_t pid)
{
    char id[24], buf[512];

    snprintf(id, sizeof id, "%d", (int)pid);
    return stat_field(proc_stat(id, buf, sizeof buf), 20, 0);
}

int max_processes(void)
{
    const char *v = getenv("TD6_MAX_PROCESSES");
    int n = v != NULL ? atoi(v) : 0;

    return n > 0 ? n : MAX_PROCESSES;
}

