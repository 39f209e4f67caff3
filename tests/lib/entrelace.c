/*
 * entrelace.c — une cale chargée par LD_PRELOAD dans le programme testé
 * (build/tests/lib/entrelace.so), pour qu'une ligne écrite en plusieurs
 * appels de stdio soit coupée À COUP SÛR, et pas une fois sur trois.
 *
 * stdio verrouille stdout le temps d'UN appel (printf, puts...), pas entre
 * deux appels. Un thread qui écrit « Read 277 » puis « from <url>\n » en
 * deux printf laisse une fenêtre où un autre thread peut glisser sa ligne :
 * d'habitude quelques microsecondes, donc un défaut vu au hasard. Ici,
 * chaque appel qui écrit sur stdout un morceau de ligne (sans '\n' à la
 * fin) attend ensuite qu'un autre thread ait écrit sur stdout (au plus
 * 300 ms) : la fenêtre devient assez large pour que le défaut se voie à
 * chaque fois. Un programme qui écrit chaque ligne en un seul appel n'est
 * jamais ralenti.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Nombre d'écritures sur stdout, tous threads confondus. */
static atomic_long writes;

static size_t real_fwrite(const void *data, size_t size, size_t n, FILE *f)
{
    static size_t (*next)(const void *, size_t, size_t, FILE *);

    if (next == NULL)
        next = (size_t (*)(const void *, size_t, size_t, FILE *))dlsym(RTLD_NEXT, "fwrite");
    return next(data, size, n, f);
}

/* Écrit `len` octets sur f ; si c'est stdout et que le morceau ne finit
 * pas une ligne, attend qu'un autre thread écrive à son tour. */
static size_t emit(const char *text, size_t len, FILE *f)
{
    size_t done = real_fwrite(text, 1, len, f);

    if (f == stdout) {
        long mine = atomic_fetch_add(&writes, 1) + 1;

        if (len > 0 && text[len - 1] != '\n') {
            struct timespec ms = { 0, 1000000 };

            for (int i = 0; i < 300 && atomic_load(&writes) == mine; i++)
                nanosleep(&ms, NULL);
        }
    }
    return done;
}

static int emit_format(FILE *f, const char *format, va_list args)
{
    char *text = NULL;
    int len = vasprintf(&text, format, args);

    if (len < 0)
        return len;
    emit(text, (size_t)len, f);
    free(text);
    return len;
}

/* Le corps des fonctions à nombre variable d'arguments (printf, fprintf et
 * leurs variantes _chk) : leurs arguments, après `format`, vont à
 * emit_format. */
#define EMIT_ARGUMENTS(f, format)                                                                 \
    do {                                                                                          \
        va_list args;                                                                             \
        int len;                                                                                  \
                                                                                                  \
        va_start(args, format);                                                                   \
        len = emit_format(f, format, args);                                                       \
        va_end(args);                                                                             \
        return len;                                                                               \
    } while (0)

int vfprintf(FILE *f, const char *format, va_list args)
{
    return emit_format(f, format, args);
}

int vprintf(const char *format, va_list args)
{
    return emit_format(stdout, format, args);
}

int fprintf(FILE *f, const char *format, ...)
{
    EMIT_ARGUMENTS(f, format);
}

int printf(const char *format, ...)
{
    EMIT_ARGUMENTS(stdout, format);
}

/* Les variantes de _FORTIFY_SOURCE. */
int __printf_chk(int flag, const char *format, ...)
{
    (void)flag;
    EMIT_ARGUMENTS(stdout, format);
}

int __fprintf_chk(FILE *f, int flag, const char *format, ...)
{
    (void)flag;
    EMIT_ARGUMENTS(f, format);
}

int __vfprintf_chk(FILE *f, int flag, const char *format, va_list args)
{
    (void)flag;
    return emit_format(f, format, args);
}

int __vprintf_chk(int flag, const char *format, va_list args)
{
    (void)flag;
    return emit_format(stdout, format, args);
}

int fputs(const char *text, FILE *f)
{
    return emit(text, strlen(text), f) == strlen(text) ? 1 : EOF;
}

int puts(const char *text)
{
    size_t len = strlen(text);
    char *line = malloc(len + 2);
    int rc;

    if (line == NULL)
        return EOF;
    memcpy(line, text, len);
    line[len] = '\n';
    rc = emit(line, len + 1, stdout) == len + 1 ? 1 : EOF;
    free(line);
    return rc;
}

size_t fwrite(const void *data, size_t size, size_t n, FILE *f)
{
    if (f != stdout || size == 0)
        return real_fwrite(data, size, n, f);
    return emit(data, size * n, f) / size;
}
