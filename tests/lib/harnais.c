/*
 * harnais.c — implémentation de td6_test.h : lancer le serveur local et le
 * programme testé, lire /stats, faire des requêtes HTTP depuis le test.
 *
 * Chaque test tourne dans son propre processus (mode fork de Check) : les
 * variables globales ci-dessous n'appartiennent donc qu'à un test à la fois.
 */
#include "td6_test.h"

#include <curl/curl.h>
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define OUTPUT_LIMIT (8u << 20)   /* au-delà de 8 Mio, la sortie est coupée */

/* État du test en cours (un processus par test). */
static pid_t server_pid = -1;
static char server_url[128];
static int server_latency;
static bool curl_ready;

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
                       int err, int report)
{
    int null = open("/dev/null", O_RDONLY);

    die_with_parent(parent);
    setpgid(0, 0);
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

static void collect(td6_result *r, int out, int err, double timeout)
{
    buffer bo = { 0 }, be = { 0 };
    double deadline = now_s() + timeout, exited_at = 0;
    bool open_out = true, open_err = true, reaped = false;
    int wstatus = 0;

    while (!reaped || open_out || open_err) {
        struct pollfd p[2] = { { open_out ? out : -1, POLLIN, 0 },
                               { open_err ? err : -1, POLLIN, 0 } };
        double left = deadline - now_s();

        if (!reaped && waitpid(r->pid, &wstatus, WNOHANG) == r->pid) {
            reaped = true;
            exited_at = now_s();
        }
        /* Le programme est fini mais un de ses enfants garde les tubes
         * ouverts : on n'attend pas plus d'une demi-seconde. */
        if (reaped && now_s() - exited_at > 0.5)
            break;
        if (left <= 0) {
            r->timed_out = true;
            break;
        }
        if (poll(p, 2, 20) > 0) {
            if (p[0].revents && !drain(out, &bo))
                open_out = false;
            if (p[1].revents && !drain(err, &be))
                open_err = false;
        }
    }
    r->leftovers = kill(-r->pid, 0) == 0 && reaped;
    kill(-r->pid, SIGKILL);
    if (!reaped)
        waitpid(r->pid, &wstatus, 0);
    r->exited = !r->timed_out && WIFEXITED(wstatus);
    r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    r->signal = (!r->timed_out && WIFSIGNALED(wstatus)) ? WTERMSIG(wstatus) : 0;
    r->truncated = bo.truncated || be.truncated;
    r->out = buffer_take(&bo);
    r->out_len = bo.len;
    r->err = buffer_take(&be);
    r->err_len = be.len;
}

td6_result td6_run(const char *name, const char *const *args, const char *const *env,
                   double timeout_s)
{
    td6_result r = { 0 };
    char *path = strdup(td6_program(name));
    char **argv = build_argv(path, args), **envp = build_env(env);
    int out[2], err[2], report[2], e = 0;
    pid_t parent = getpid();

    ck_assert_msg(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0 &&
                  pipe2(report, O_CLOEXEC) == 0, "pipe : %s", strerror(errno));
    fflush(NULL);
    r.pid = fork();
    ck_assert_msg(r.pid >= 0, "fork : %s", strerror(errno));
    if (r.pid == 0)
        exec_child(parent, path, argv, envp, out[1], err[1], report[1]);
    setpgid(r.pid, r.pid);   /* aussi côté parent : pas de course au kill */
    close(out[1]);
    close(err[1]);
    close(report[1]);
    if (read(report[0], &e, sizeof e) == (ssize_t)sizeof e)
        r.not_found = true;
    close(report[0]);
    collect(&r, out[0], err[0], td6_scaled(timeout_s));
    close(out[0]);
    close(err[0]);
    free(argv);
    free(envp);
    free(path);
    return r;
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
    if (r->timed_out)
        ck_abort_msg("%s ne s'est pas terminé à temps : boucle infinie, interblocage "
                     "(deadlock : un verrou jamais rendu, un pthread_join qui attend un "
                     "thread bloqué) ou processus enfant jamais attendu ? "
                     "Sortie déjà affichée : %.200s", name, r->out);
    if (!r->exited)
        ck_abort_msg("%s a planté (signal %d, %s) : %s", name, r->signal,
                     strsignal(r->signal), signal_hint(r->signal));
    td6_require_clean(r, name);
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

        if (at != NULL)
            ck_abort_msg("%s : le sanitizer a trouvé %s. Début du rapport : %.400s", name,
                         reports[i].what, at);
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
    snprintf(path, size, "/tmp/td6-%s-XXXXXX", tag);
    return mkstemp(path);
}

td6_process td6_spawn(const char *name, const char *const *args, const char *const *env,
                      double timeout_s)
{
    td6_process p = { 0 };
    char *path = strdup(td6_program(name));
    char **argv = build_argv(path, args), **envp = build_env(env);
    int out = temp_file(p.out_path, sizeof p.out_path, "sortie");
    int err = temp_file(p.err_path, sizeof p.err_path, "erreurs");
    int rd = open(p.out_path, O_RDONLY);
    double deadline = now_s() + td6_scaled(timeout_s);
    pid_t parent = getpid();
    buffer line = { 0 };

    ck_assert_msg(out >= 0 && err >= 0 && rd >= 0, "fichier temporaire : %s", strerror(errno));
    ck_assert_msg(access(path, X_OK) == 0,
                  "Impossible de lancer %s : le programme n'est pas construit. "
                  "Lancez « make » et lisez les erreurs de compilation.", path);
    fflush(NULL);
    p.pid = fork();
    ck_assert_msg(p.pid >= 0, "fork : %s", strerror(errno));
    if (p.pid == 0)
        exec_child(parent, path, argv, envp, out, err, -1);
    setpgid(p.pid, p.pid);
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
            ck_abort_msg("%s %s sans afficher sa première ligne (l'URL où il écoute).", name,
                         alive ? "n'a rien affiché à temps" : "s'est arrêté");
        }
        usleep(5000);
    }
    close(rd);
    line.data[line.len - 1] = '\0';
    p.first_line = line.data;
    return p;
}

bool td6_alive(td6_process *p)
{
    if (p->pid <= 0)
        return false;
    if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
        p->pid = -1;
        return false;
    }
    return true;
}

void td6_kill(td6_process *p)
{
    if (p->pid > 0) {
        kill(-p->pid, SIGTERM);
        for (int i = 0; i < 100 && td6_alive(p); i++)
            usleep(10000);
        if (p->pid > 0) {
            kill(-p->pid, SIGKILL);
            waitpid(p->pid, NULL, 0);
        }
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
    else
        snprintf(h.error, sizeof h.error, "%s", curl_easy_strerror(rc));
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
