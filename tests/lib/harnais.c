/*
 * harnais.c — ce qui reste du harnais une fois rangé par sujet (voir
 * interne.h) : petits outils, récidive, lecture d'une sortie, valeurs
 * attendues.
 */
#include "interne.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *td6_current_test = "?";

/* ---- Petits outils ------------------------------------------------------ */

double now_s(void)
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

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);

    if (q == NULL) {
        fprintf(stderr, "harnais : mémoire épuisée\n");
        _exit(3);
    }
    return q;
}


void buffer_add(buffer *b, const char *src, size_t n)
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

char *buffer_take(buffer *b)
{
    if (b->data == NULL)
        buffer_add(b, "", 0);
    return b->data;
}

/* ---- Récidive : un programme déjà bloqué dans cette suite --------------- */

/* principal.c crée un dossier d'état par exécution de la suite
 * ($TD6_STATE_DIR) ; un fichier « bloque-<programme> » y dit dans quel test le
 * programme a dépassé son délai, « muet-<programme> » dans quel test un
 * programme lancé par td6_spawn n'a pas répondu. */
static bool state_path(char *path, size_t size, const char *kind, const char *name)
{
    const char *dir = getenv("TD6_STATE_DIR");

    if (dir == NULL || *dir == '\0' || strchr(name, '/') != NULL)
        return false;
    snprintf(path, size, "%s/%s-%s", dir, kind, name);
    return true;
}

/* Le test où `name` a déjà échoué ainsi (dans `test`), ou false. */
bool state_get(const char *kind, const char *name, char *test, size_t size)
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

void state_set(const char *kind, const char *name)
{
    char path[4096], test[128];
    FILE *f;

    if (state_get(kind, name, test, sizeof test) ||
        !state_path(path, sizeof path, kind, name) || (f = fopen(path, "w")) == NULL)
        return;
    fprintf(f, "%s\n", td6_current_test);
    fclose(f);
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

bool td6_downloaded_line(const char *line, size_t *count, double *seconds)
{
    char tail[16] = "";

    return line != NULL && sscanf(line, "Downloaded %zu in %lf %15s", count, seconds, tail) == 3 &&
           strcmp(tail, "seconds") == 0;
}

bool td6_duration_line(const char *line)
{
    double seconds = -1;
    char tail[16] = "";

    return line != NULL && sscanf(line, "Duration %lf %15s", &seconds, tail) == 2 &&
           strcmp(tail, "seconds") == 0 && seconds >= 0;
}

/* ---- Valeurs attendues ------------------------------------------------- */

unsigned __int128 td6_sum_squares(long n)
{
    unsigned __int128 m = (unsigned __int128)n;

    return n < 2 ? 0 : m * (m - 1) * (2 * m - 1) / 6;
}

char *td6_u128_text(unsigned __int128 value, char buf[48])
{
    /* Autrement que td6_u128_to_string (commun/), dont se servent les
     * programmes testés : une erreur là ne doit pas se retrouver aussi dans
     * la valeur attendue. Ici, trois tranches de 19 chiffres au plus
     * (10^19 < 2^64), chacune écrite par printf ; 2^128 < 10^39. */
    const unsigned __int128 slice = (unsigned __int128)10000000000000000000ULL;
    unsigned long long low = (unsigned long long)(value % slice);
    unsigned __int128 rest = value / slice;
    unsigned long long middle = (unsigned long long)(rest % slice);
    unsigned long long high = (unsigned long long)(rest / slice);

    if (high != 0)
        snprintf(buf, 48, "%llu%019llu%019llu", high, middle, low);
    else if (middle != 0)
        snprintf(buf, 48, "%llu%019llu", middle, low);
    else
        snprintf(buf, 48, "%llu", low);
    return buf;
}

unsigned __int128 td6_cpu_bound_line(long n, char *buf, size_t size)
{
    unsigned __int128 sum = td6_sum_squares(n);
    char digits[48];

    snprintf(buf, size, "cpu_bound(%ld) = %s", n, td6_u128_text(sum, digits));
    return sum;
}

long td6_thread_count(pid_t pid)
{
    char path[64];
    DIR *task;
    struct dirent *e;
    long n = 0;

    /* Un programme du bac à sable : le test connaît son relais. */
    snprintf(path, sizeof path, "/proc/%ld/task", (long)sandbox_program_pid(pid));
    task = opendir(path);
    if (task == NULL)
        return -1;
    while ((e = readdir(task)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(task);
    return n;
}

