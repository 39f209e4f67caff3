/*
 * serveur_local.c — le serveur local du test (build/serveur/serveur) :
 * démarrer sur un port libre, arrêter, lire /stats, remettre à zéro.
 */
#include "interne.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Le serveur du test en cours (un processus par test). */
static pid_t server_pid = -1;
static char server_url[128];

pid_t server_current_pid(void)
{
    return server_pid;
}

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
    td6_server_start_rendezvous(latency_ms, 0);
}

void td6_server_start_rendezvous(int latency_ms, int rendezvous)
{
    const char *bin = getenv("TD6_SERVER_BIN");
    pid_t parent = getpid();
    char latency[32], meeting[32];
    int fds[2];

    if (bin == NULL)
        bin = "build/serveur/serveur";
    ck_assert_msg(access(bin, X_OK) == 0,
                  "Serveur de test introuvable (%s) : lancez « make » d'abord.", bin);
    snprintf(latency, sizeof latency, "%d", latency_ms);
    snprintf(meeting, sizeof meeting, "%d", rendezvous);
    become_subreaper();
    ck_assert_msg(pipe2(fds, O_CLOEXEC) == 0, "pipe : %s", strerror(errno));
    server_pid = fork();
    ck_assert_msg(server_pid >= 0, "fork : %s", strerror(errno));
    if (server_pid == 0) {
        die_with_parent(parent);
        dup2(fds[1], STDOUT_FILENO);
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO);
        if (getenv("TD6_SERVER_VERBOSE") == NULL)
            dup2(null, STDERR_FILENO);
        execl(bin, bin, "-p", "0", "-l", latency, "-r", meeting, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    atexit(server_kill_at_exit);
    bool ok = read_line(fds[0], server_url, sizeof server_url, td6_scaled(10));
    close(fds[0]);
    ck_assert_msg(ok && strncmp(server_url, "http://", 7) == 0,
                  "Le serveur de test n'a pas démarré (aucune URL affichée).");
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
    td6_server_reset_rendezvous(-1);
}

void td6_server_reset_rendezvous(int rendezvous)
{
    char url[200];

    if (rendezvous < 0)
        snprintf(url, sizeof url, "%s/reset", server_url);
    else
        snprintf(url, sizeof url, "%s/reset?rendez_vous=%d", server_url, rendezvous);
    td6_http h = td6_request("POST", url, 5);
    ck_assert_msg(h.status == 200, "Impossible de remettre à zéro le serveur de test.");
    td6_http_free(&h);
}


/* L'activité du serveur local, vue de /stats : requêtes servies et
 * requêtes en cours. false si pas de serveur ou pas de réponse. */
bool server_activity(long *requests, long *in_flight)
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
