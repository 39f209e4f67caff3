/*
 * surveillance.c — attendre la fin du programme testé sans jamais rester
 * bloqué avec lui.
 *
 * Pendant qu'on vide ses sorties, des « gardiens » regardent chacun un
 * danger et arrêtent l'attente dès que le leur se présente : le programme
 * a fini ; le délai est dépassé ; il se tait (ni sortie ni requête) ; il ne
 * fait plus rien du tout (interblocage) ; il inonde sa sortie ; il lance
 * trop de processus. Un dernier gardien ne fait qu'observer le serveur
 * local : une requête servie est un signe de progrès.
 */
#include "interne.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Ce que les gardiens savent du programme surveillé. */
typedef struct {
    td6_result *r;
    double deadline;              /* fin du délai */
    double exited_at;             /* quand le programme a fini (reaped) */
    double idle, silence;         /* inactivité et silence tolérés */
    double last_output;           /* dernier signe de progrès : sortie, requête */
    double last_alive;            /* dernier signe de vie : les mêmes, ou du calcul */
    double next_count, next_probe;
    unsigned long long cpu;       /* temps processeur des descendants, au dernier relevé */
    unsigned long long cpu_max;   /* le plus grand de ces relevés (tics) */
    struct rusage usage;          /* ce que wait4 rend du programme attendu */
    long requests;                /* requêtes servies, au dernier relevé de /stats */
    long base_tasks, base_threads;
    int cap;                      /* processus simultanés tolérés */
    int wstatus;
    int status_fd;                /* bac à sable : le relais y écrit le statut */
    bool reaped;                  /* le programme a fini et a été attendu */
    buffer out, err;
} watch;

/* Un gardien : true pour arrêter l'attente. */
typedef bool (*watchdog)(watch *w, double t);

/* Le programme a-t-il fini ? Une fois fini, si un de ses enfants garde les
 * tubes ouverts, on n'attend pas plus d'une demi-seconde. Dans le bac à
 * sable, le relais écrit le statut du programme puis reste là (avec bwrap,
 * qui garde les tubes ouverts) : on vide ce qui reste dans les tubes, puis
 * on s'arrête. */
static bool watch_exit(watch *w, double t)
{
    if (!w->reaped && w->status_fd >= 0) {
        struct pollfd p = { w->status_fd, POLLIN, 0 };

        if (poll(&p, 1, 0) > 0 &&
            read(w->status_fd, &w->wstatus, sizeof w->wstatus) == (ssize_t)sizeof w->wstatus) {
            w->reaped = true;
            w->exited_at = t;
            return false;
        }
    }
    if (!w->reaped && wait4(w->r->pid, &w->wstatus, WNOHANG, &w->usage) == w->r->pid) {
        w->reaped = true;
        w->exited_at = t;
        w->status_fd = -1;   /* le relais lui-même est fini */
    }
    return w->reaped && t - w->exited_at > (w->status_fd >= 0 ? 0.03 : 0.5);
}

static bool watch_deadline(watch *w, double t)
{
    if (t < w->deadline)
        return false;
    w->r->timed_out = true;
    return true;
}

/* Ni sortie ni requête au serveur depuis `silence` secondes, même s'il
 * calcule : une boucle infinie (aucun programme juste du TD ne calcule si
 * longtemps en silence). */
static bool watch_silence(watch *w, double t)
{
    if (w->silence <= 0 || w->reaped || t - w->last_output <= w->silence)
        return false;
    w->r->timed_out = w->r->silent = true;
    return true;
}

/* Rien ne bouge : ni sortie, ni calcul, ni requête en cours au serveur. Un
 * interblocage, un programme qui attend pour toujours : inutile d'attendre
 * la fin du délai. */
static bool watch_idle(watch *w, double t)
{
    if (w->reaped || t - w->last_alive <= w->idle)
        return false;
    w->r->timed_out = w->r->idle = true;
    return true;
}

/* Toutes les 500 ms : le serveur voit-il passer des requêtes ? Une requête
 * servie, ou en cours, est un progrès (attendre une réponse lente n'est
 * pas un silence). N'arrête jamais l'attente. */
static bool watch_server(watch *w, double t)
{
    long req = 0, fly = 0;

    if (w->reaped || t < w->next_probe || server_current_pid() <= 0)
        return false;
    if (server_activity(&req, &fly) && (req != w->requests || fly > 0)) {
        if (w->requests >= 0 || fly > 0)
            w->last_output = w->last_alive = now_s();
        w->requests = req;
    }
    w->next_probe = now_s() + 0.5;
    return false;
}

/* Une sortie de plus de 8 Mio : inutile d'attendre la suite. */
static bool watch_flood(watch *w, double t)
{
    (void)t;
    if (!w->out.truncated && !w->err.truncated)
        return false;
    w->r->flooded = true;
    return true;
}

/* Combien de processus a-t-il lancés ? Compter dans /proc coûte : on le
 * fait toutes les 250 ms, ou aussitôt que le nombre total de tâches de la
 * machine (sysinfo, une lecture) a bondi. Une boucle de fork() va plus vite
 * que nous, et ses processus nous prennent le processeur : après un tel
 * bond, on gèle d'abord son groupe (SIGSTOP), on compte, puis on tue ou on
 * relâche (SIGCONT). Le temps processeur relevé au passage est un signe de
 * vie pour watch_idle. */
static bool watch_processes(watch *w, double t)
{
    long tasks = system_tasks();
    long threads = w->reaped ? 0 : process_threads(sandbox_program_pid(w->r->pid));
    pid_t group = sandbox_process_group(w->r->pid);
    /* Les threads du programme lui-même (un pool de 200 threads) ne sont
     * pas des processus : on les retire du bond. */
    long jump = tasks - w->base_tasks -
                (threads > w->base_threads ? threads - w->base_threads : 0);
    bool frozen = jump > w->cap;
    descendants d;

    if (t < w->next_count && !frozen)
        return false;
    if (frozen)
        kill(-group, SIGSTOP);
    d = count_descendants();
    if (d.cpu > w->cpu_max)
        w->cpu_max = d.cpu;
    if (d.cpu != w->cpu) {
        w->cpu = d.cpu;
        w->last_alive = now_s();
    }
    if ((int)d.live > w->r->processes)
        w->r->processes = (int)d.live;
    if ((int)d.live > w->cap) {
        w->r->too_many_processes = true;
        return true;
    }
    if (frozen)
        kill(-group, SIGCONT);
    w->base_tasks = tasks;
    w->base_threads = threads;
    w->next_count = t + 0.25;
    return false;
}

/* Dans cet ordre : une fin constatée l'emporte sur un délai échu au même
 * instant. */
static const watchdog watchdogs[] = {
    watch_exit, watch_deadline, watch_silence, watch_idle,
    watch_server, watch_flood, watch_processes,
};

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

/* Les processus laissés par le dernier td6_run (pour le message). */
static char leftovers[256];

const char *leftover_names(void)
{
    return leftovers;
}

/* Après la fin du programme : ses descendants encore vivants, attendus au
 * plus 1 s (le temps qu'un enfant qui finit disparaisse, même sur une
 * machine très chargée). Les zombies se comptent au premier relevé. */
static int count_leftovers(int *zombies)
{
    descendants d = count_descendants();

    *zombies = (int)d.zombies;
    for (int i = 0; i < 100 && d.live > 0; i++) {
        usleep(10000);
        d = count_descendants();
    }
    snprintf(leftovers, sizeof leftovers, "%s", d.names);
    return (int)d.live;
}

void collect(td6_result *r, int out, int err, int status_fd, double timeout, double silence)
{
    watch w = { .r = r, .status_fd = status_fd, .deadline = now_s() + timeout, .idle = td6_scaled(IDLE_S),
                .silence = silence, .last_output = now_s(), .last_alive = now_s(),
                .requests = -1, .base_tasks = system_tasks(), .cap = max_processes() };
    bool open_out = true, open_err = true, stop = false;

    while (!stop && (!w.reaped || open_out || open_err)) {
        struct pollfd p[2] = { { open_out ? out : -1, POLLIN, 0 },
                               { open_err ? err : -1, POLLIN, 0 } };
        double t = now_s();

        for (size_t i = 0; !stop && i < sizeof watchdogs / sizeof watchdogs[0]; i++)
            stop = watchdogs[i](&w, t);
        if (stop)
            break;
        if (poll(p, 2, 20) > 0) {
            size_t before = w.out.len + w.err.len;

            if (p[0].revents && !drain(out, &w.out))
                open_out = false;
            if (p[1].revents && !drain(err, &w.err))
                open_err = false;
            if (w.out.len + w.err.len != before)
                w.last_output = w.last_alive = now_s();
        }
    }
    if (w.reaped && !r->too_many_processes && !r->flooded)
        r->leftover_count = count_leftovers(&r->zombies);
    r->leftovers = r->leftover_count > 0;
    kill(-r->pid, SIGKILL);
    if (!w.reaped || w.status_fd >= 0)
        wait4(r->pid, w.reaped ? NULL : &w.wstatus, 0, w.reaped ? NULL : &w.usage);
    /* Temps processeur du programme (tous ses threads, et ses enfants
     * attendus) : pas un chronomètre, la charge de la machine ne le gonfle
     * pas. wait4 le donne quand le programme est notre enfant ; dans le bac
     * à sable, c'est le relais qu'on attend : on garde alors le plus grand
     * relevé de /proc fait pendant l'attente (tous les quarts de seconde :
     * il ne peut que sous-estimer, jamais accuser à tort). */
    {
        long ticks = sysconf(_SC_CLK_TCK);
        double waited = (double)w.usage.ru_utime.tv_sec + w.usage.ru_utime.tv_usec / 1e6 +
                        (double)w.usage.ru_stime.tv_sec + w.usage.ru_stime.tv_usec / 1e6;
        double sampled = (double)w.cpu_max / (double)(ticks > 0 ? ticks : 100);

        r->cpu_s = waited > sampled ? waited : sampled;
    }
    {
        pid_t keep[MAX_SPAWNED + 1];
        size_t n_keep = keep_list(keep);

        sweep(keep, n_keep);   /* le groupe, et ce qui l'a quitté */
    }
    r->exited = !r->timed_out && WIFEXITED(w.wstatus);
    r->status = WIFEXITED(w.wstatus) ? WEXITSTATUS(w.wstatus) : -1;
    r->signal = (!r->timed_out && WIFSIGNALED(w.wstatus)) ? WTERMSIG(w.wstatus) : 0;
    r->truncated = w.out.truncated || w.err.truncated;
    r->out = buffer_take(&w.out);
    r->out_len = w.out.len;
    r->err = buffer_take(&w.err);
    r->err_len = w.err.len;
}
