/*
 * commun.c — implémentation de commun.h (voir ce fichier pour le mode
 * d'emploi). Rien ici n'est propre à un exercice.
 */
#include "commun.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

double td6_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Enveloppes vérifiées ---------------------------------------------- */

void td6_die(const char *file, int line, const char *what, int err)
{
    fprintf(stderr, "erreur : %s a échoué : %s (%s:%d)\n", what, strerror(err), file, line);
    exit(EXIT_FAILURE);
}

void *td6_malloc(size_t size, const char *file, int line)
{
    void *p = malloc(size);

    if (p == NULL && size != 0)
        td6_die(file, line, "malloc", errno);
    return p;
}

void *td6_calloc(size_t n, size_t size, const char *file, int line)
{
    void *p = calloc(n, size);

    if (p == NULL && n != 0 && size != 0)
        td6_die(file, line, "calloc", errno);
    return p;
}

char *td6_strdup(const char *s, const char *file, int line)
{
    char *p = strdup(s);

    if (p == NULL)
        td6_die(file, line, "strdup", errno);
    return p;
}

void td6_check_pthread(int rc, const char *what, const char *file, int line)
{
    if (rc != 0)
        td6_die(file, line, what, rc);
}

void td6_check_sys(int rc, const char *what, const char *file, int line)
{
    if (rc == -1)
        td6_die(file, line, what, errno);
}

pid_t td6_fork(const char *file, int line)
{
    pid_t pid = fork();

    if (pid == -1)
        td6_die(file, line, "fork (création d'un processus)", errno);
    return pid;
}

/* ---- Liste d'URL -------------------------------------------------------- */

const char *td6_server(void)
{
    const char *s = getenv("TD6_SERVER");

    return (s != NULL && *s != '\0') ? s : TD6_DEFAULT_SERVER;
}

static char *join_url(const char *base, const char *path)
{
    size_t len = strlen(base) + strlen(path) + 1;
    char *url = Malloc(len);

    snprintf(url, len, "%s%s", base, path);
    return url;
}

url_list td6_sites(int argc, char **argv, int first)
{
    url_list list = { NULL, 0 };

    if (first < argc) {
        list.count = (size_t)(argc - first);
        list.urls = Calloc(list.count, sizeof *list.urls);
        for (size_t i = 0; i < list.count; i++)
            list.urls[i] = Strdup(argv[first + (int)i]);
        return list;
    }
    /* Pas d'argument : la liste du cours, ["jython", "dice"] * 80. */
    list.count = 2 * TD6_DEFAULT_REPEAT;
    list.urls = Calloc(list.count, sizeof *list.urls);
    for (size_t i = 0; i < list.count; i += 2) {
        list.urls[i] = join_url(td6_server(), "/jython");
        list.urls[i + 1] = join_url(td6_server(), "/dice");
    }
    return list;
}

void td6_sites_free(url_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->urls[i]);
    free(list->urls);
    list->urls = NULL;
    list->count = 0;
}

/* ---- Téléchargements ------------------------------------------------- */

long td6_timeout_ms(void)
{
    const char *s = getenv("TD6_TIMEOUT_MS");
    long ms = s != NULL ? strtol(s, NULL, 10) : 0;

    return ms > 0 ? ms : 10000;
}

const char *td6_curl_error(int code)
{
    /* Un tampon par thread : plusieurs threads peuvent signaler une erreur
     * en même temps sans écraser le message des autres. */
    static _Thread_local char text[256];
    const char *why;

    switch ((CURLcode)code) {
    case CURLE_COULDNT_CONNECT: why = "connexion refusée : aucun serveur n'écoute là"; break;
    case CURLE_COULDNT_RESOLVE_HOST: why = "nom d'hôte inconnu"; break;
    case CURLE_OPERATION_TIMEDOUT: why = "délai dépassé : le serveur n'a pas répondu à temps"; break;
    case CURLE_URL_MALFORMAT: why = "URL mal formée"; break;
    case CURLE_UNSUPPORTED_PROTOCOL: why = "protocole non pris en charge"; break;
    case CURLE_GOT_NOTHING: why = "le serveur a fermé la connexion sans répondre"; break;
    case CURLE_RECV_ERROR: why = "erreur en recevant la réponse"; break;
    default: why = "échec du transfert"; break;
    }
    snprintf(text, sizeof text, "%s (%s)", why, curl_easy_strerror((CURLcode)code));
    return text;
}

/* ---- Arguments ---------------------------------------------------------- */

long td6_parse_count(const char *prog, const char *what, const char *text, long max)
{
    char *end = NULL;
    long value;

    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 1 || value > max) {
        fprintf(stderr, "%s : %s attend un entier entre 1 et %ld, pas « %s »\n",
                prog, what, max, text);
        exit(2);
    }
    return value;
}

/* ---- Entiers 128 bits --------------------------------------------------- */

char *td6_u128_to_string(unsigned __int128 value, char buf[TD6_U128_LEN])
{
    char tmp[TD6_U128_LEN];
    size_t n = 0;

    /* On produit les chiffres de droite à gauche, puis on les remet dans
     * l'ordre. */
    do {
        tmp[n++] = (char)('0' + (int)(value % 10));
        value /= 10;
    } while (value != 0);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return buf;
}

/* ---- Trace d'exécution ------------------------------------------------- */

void td6_trace(const char *state, const char *task, double start, double end)
{
    const char *path = getenv("TD6_TRACE");
    char line[512];
    int len, fd;

    if (path == NULL || *path == '\0')
        return;
    len = snprintf(line, sizeof line, "%ld %ld %s %.6f %.6f %s\n", (long)getpid(),
                   (long)syscall(SYS_gettid), state, start, end, task);
    if (len < 0 || (size_t)len >= sizeof line)
        return;
    /* O_APPEND : chaque write() va à la fin du fichier, d'un bloc. */
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd == -1)
        return;
    if (write(fd, line, (size_t)len) != len) {
        /* Une trace incomplète n'empêche pas le programme de faire son
         * travail : on l'ignore. */
    }
    close(fd);
}
