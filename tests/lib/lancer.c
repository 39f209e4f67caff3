/*
 * lancer.c — lancer le programme testé : td6_run (attendre sa fin, voir
 * surveillance.c) et td6_spawn (un serveur du chapitre 04, en arrière-plan).
 */
#include "interne.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Les programmes lancés par td6_spawn et encore vivants : ni comptés ni
 * tués par le nettoyage de td6_run. */
static struct {
    pid_t pid;
    char name[64];
    char url[128];
} spawned[MAX_SPAWNED];

size_t spawned_pids(pid_t *pids)
{
    size_t n = 0;

    for (size_t i = 0; i < MAX_SPAWNED; i++)
        if (spawned[i].pid > 0)
            pids[n++] = spawned[i].pid;
    return n;
}

/* Environnement du programme lancé : celui du test, sans proxy (tout se
 * passe sur 127.0.0.1) ni variables TD6_ du correcteur, plus TD6_SERVER et
 * les variables demandées. */
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
            strncasecmp(environ[i], "all_proxy=", 10) == 0)
            continue;
        /* $TMPDIR est le dossier temporaire du correcteur (celui de
         * l'exécution de make test) : le programme garde /tmp, le sien. */
        if (strncmp(environ[i], "TMPDIR=", 7) == 0)
            continue;
        /* Les variables TD6_ du correcteur ne regardent pas le programme
         * ($TD6_RESULTS mènerait à ses résultats) ; seule la marque de
         * make check (qui retrouve ainsi les processus survivants) passe.
         * Celles dont il a besoin (TD6_SERVER, TD6_TRACE...), le test les
         * donne ci-dessous. */
        if (strncmp(environ[i], "TD6_", 4) == 0 && strncmp(environ[i], "TD6_MARK=", 11) != 0)
            continue;
        env[k++] = environ[i];
    }
    if (server_current_pid() > 0) {
        static char server_var[160];

        snprintf(server_var, sizeof server_var, "TD6_SERVER=%s", td6_server_url());
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


const char *td6_program(const char *name)
{
    static char path[4096];
    const char *dir = getenv("TD6_BIN");

    snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : ".", name);
    return path;
}

/* Chemin absolu du programme `name` (le bac à sable change de dossier
 * courant), ou td6_program(name) s'il n'existe pas. */
static char *program_path(const char *name)
{
    char *abs = realpath(td6_program(name), NULL);

    return abs != NULL ? abs : strdup(td6_program(name));
}

/* Les fichiers que le programme a le droit d'écrire hors de son dossier de
 * travail : la trace que le test lui demande ($TD6_TRACE). */
static const char **writable_files(const char *const *env)
{
    static const char *files[8];
    size_t n = 0;

    for (size_t i = 0; env != NULL && env[i] != NULL && n + 1 < 8; i++)
        if (strncmp(env[i], "TD6_TRACE=/", 11) == 0)
            files[n++] = env[i] + 10;
    files[n] = NULL;
    return files;
}

/* Dans l'enfant : brancher les tubes, se mettre dans son propre groupe de
 * processus (pour pouvoir tuer d'un coup le programme et ses enfants), puis
 * exécuter le programme, dans le bac à sable s'il est en service (cet
 * enfant devient alors le relais, voir bac_a_sable.c). Sans bac à sable, en
 * cas d'échec d'exec, errno part par `report`. */
static void exec_child(pid_t parent, char **argv, char **env, int out, int err, int report,
                       long nproc, bool spawn, const char *const *writable)
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
    /* Rien d'autre du test ne passe au programme : ni les fichiers ouverts
     * par le test, ni surtout le canal par lequel Check remonte le verdict
     * du test (un fichier /tmp/check_*), où le programme pourrait écrire
     * « réussi » à la place du test. */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
        for (int fd = 3; fd < 4096; fd++)
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (sandbox_enabled())
        sandbox_exec(argv, env, report, spawn, writable);
    execve(argv[0], argv, env);
    int e = errno;
    if (write(report, &e, sizeof e) < 0)
        _exit(127);
    _exit(127);
}

/* $TD6_WRAPPER s'applique-t-il au programme `name` ? */
static bool wrapped(const char *name)
{
    const char *w = getenv("TD6_WRAPPER"), *progs = getenv("TD6_WRAPPER_PROGS");
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

/* argv précédé des mots de $TD6_WRAPPER (séparés par des espaces). */
static char **wrap_argv(char **argv, char **words_out)
{
    char *words = strdup(getenv("TD6_WRAPPER"));
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
    char *path = program_path(name), *words = NULL, hung_in[128];
    char **argv = build_argv(path, args), **envp = build_env(env), **full = argv;
    int out[2], err[2], report[2], e = 0;
    sandbox_start_msg start = { 0 };
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
        exec_child(parent, full, envp, out[1], err[1], report[1], nproc, false,
                   writable_files(env));
    setpgid(r.pid, r.pid);   /* aussi côté parent : pas de course au kill */
    close(out[1]);
    close(err[1]);
    close(report[1]);
    if (!sandbox_enabled()) {
        if (read(report[0], &e, sizeof e) == (ssize_t)sizeof e)
            r.not_found = true;
        close(report[0]);
        report[0] = -1;
    } else if (!sandbox_read_start(r.pid, report[0], &start, 30)) {
        r.sandbox_broken = true;
    } else if (start.exec_errno != 0) {
        r.not_found = true;
    }
    collect(&r, out[0], err[0], report[0], td6_scaled(timeout_s), r.silence_s);
    if (report[0] >= 0)
        close(report[0]);
    /* Dans le bac à sable, le programme a son propre espace de pid : son
     * pid est celui qu'il voit lui-même (getpid, ce qu'écrivent ses
     * traces). */
    if (sandbox_enabled()) {
        sandbox_forget(r.pid);
        r.pid = start.ns_pid;
    }
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

/* ---- Programme en arrière-plan ----------------------------------------- */

/* La première ligne d'un fichier (le message de bwrap), dans un tampon
 * statique. */
static char *read_start_error(const char *path)
{
    static char line[200];
    FILE *f = fopen(path, "r");

    line[0] = '\0';
    if (f != NULL) {
        if (fgets(line, sizeof line, f) == NULL)
            line[0] = '\0';
        fclose(f);
    }
    line[strcspn(line, "\n")] = '\0';
    if (line[0] == '\0')
        snprintf(line, sizeof line, "bwrap n'a rien dit");
    return line;
}

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
const char *spawned_name_for(const char *url)
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
    char *path = program_path(name), hung_in[128];
    char **argv = build_argv(path, args), **envp = build_env(env);
    int report[2] = { -1, -1 };
    sandbox_start_msg start = { 0 };
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
    ck_assert_msg(!sandbox_enabled() || pipe2(report, O_CLOEXEC) == 0, "pipe : %s",
                  strerror(errno));
    fflush(NULL);
    p.pid = fork();
    ck_assert_msg(p.pid >= 0, "fork : %s", strerror(errno));
    if (p.pid == 0)
        exec_child(parent, argv, envp, out, err, report[1], nproc, true, writable_files(env));
    setpgid(p.pid, p.pid);
    spawned_add(p.pid, name);
    close(out);
    close(err);
    if (sandbox_enabled()) {
        /* Le relais dit si le bac à sable est monté et le programme lancé. */
        close(report[1]);
        bool ok = sandbox_read_start(p.pid, report[0], &start, 30);

        close(report[0]);
        if (!ok || start.exec_errno != 0) {
            char *why = read_start_error(p.err_path);

            td6_kill(&p);
            ck_abort_msg(ok ? "Impossible de lancer %s (%s)." : "%s : le bac à sable n'a pas "
                         "pu être monté (%s). Lancez « make test SANS_BAC_A_SABLE=1 » pour "
                         "noter sans lui.", name, ok ? strerror(start.exec_errno) : why);
        }
    }
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
        sandbox_forget(p->pid);
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
        sandbox_forget(pid);
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

