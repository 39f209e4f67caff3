/*
 * mesures.c — ce que les tests mesurent d'un programme sans chronomètre :
 * son temps processeur (/proc), le premier endroit de son code dans un
 * rapport de sanitizer, et le lancement des programmes compilés avec un
 * sanitizer (make test les construit à part).
 */
#include "interne.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Dans le bac à sable, `pid` est le relais : on mesure le programme. */
double td6_cpu_seconds(pid_t pid)
{
    char id[24], buf[1024];
    const char *after;
    unsigned long long utime = 0, stime = 0;
    long ticks = sysconf(_SC_CLK_TCK);

    snprintf(id, sizeof id, "%ld", (long)sandbox_program_pid(pid));
    after = proc_stat(id, buf, sizeof buf);
    /* Après « ) » : état, puis 10 champs, puis utime et stime (14e et 15e). */
    if (after == NULL || sscanf(after, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
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
    /* Jamais sous valgrind (make valgrind) : sanitizer et valgrind
     * instrumentent tous deux la mémoire, le programme ne démarrerait pas.
     * Le sanitizer fait ici le travail de valgrind (chaque test tourne dans
     * son propre processus : les autres gardent $TD6_WRAPPER). */
    unsetenv("TD6_WRAPPER");
    /* halt_on_error=0 : tous les rapports, pas seulement le premier ; les
     * fuites sont cherchées à la sortie (LeakSanitizer, avec ASan). */
    setenv("TSAN_OPTIONS", "halt_on_error=0 second_deadlock_stack=1", 0);
    /* fast_unwind_on_malloc=0 : libcurl n'a pas de pointeurs de cadre ; sans
     * cela, la pile d'une fuite s'arrête dans libcurl, avant votre code. */
    setenv("ASAN_OPTIONS", "detect_leaks=1:fast_unwind_on_malloc=0", 0);
    setenv("UBSAN_OPTIONS", "print_stacktrace=1", 0);
}

/* ---- La trace ($TD6_TRACE) --------------------------------------------- */

/* Le fichier de trace du test en cours (un seul à la fois), effacé à la
 * sortie du processus du test. */
static char trace_path[64];
static char trace_env[96];

static void remove_trace(void)
{
    if (trace_path[0] != '\0')
        unlink(trace_path);
}

const char *td6_new_trace(void)
{
    int fd;

    if (trace_path[0] == '\0')
        atexit(remove_trace);
    remove_trace();   /* celui d'un lancement précédent du même test */
    snprintf(trace_path, sizeof trace_path, "/tmp/td6-trace-XXXXXX");
    fd = mkstemp(trace_path);
    ck_assert_msg(fd >= 0, "Impossible de créer un fichier de trace dans /tmp.");
    close(fd);
    snprintf(trace_env, sizeof trace_env, "TD6_TRACE=%s", trace_path);
    return trace_env;
}

FILE *td6_open_trace(void)
{
    FILE *f = fopen(trace_path, "r");

    ck_assert_msg(f != NULL, "Fichier de trace illisible (%s).", trace_path);
    return f;
}
