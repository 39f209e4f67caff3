/*
 * pool.h — chapitre 06 : le pool de processus, en mode fork et en mode
 * spawn, et les types du partial qu'il transporte.
 *
 * Le pool est celui du chapitre 05 (des ouvriers, une distribution
 * dynamique, des tubes), écrit pour ce que la leçon du chapitre 06 lui
 * demande : appeler une fonction fn(ctx, élément) avec fork, ou, avec
 * spawn, envoyer à un programme neuf le NOM de la fonction et son argument
 * lié, en texte. La leçon elle-même (le partial, le registre) est dans
 * partial.c.
 */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>

/* Un entier de 128 bits, sans signe : Σ i² dépasse 2^64 dès 5 000 000. */
typedef unsigned __int128 u128;

#define MAX_WORKERS 256
#define WORKER_FLAG "--ouvrier"   /* le mode « ouvrier » du même programme */


/* Une fonction de calcul à deux arguments, comme cpu_bound. */
typedef u128 (*cpu_fn)(long number, long number2);

/* La seule forme de fonction que le pool sait appeler : fn(ctx, élément).
 * C'est pool.map(fn, numbers) de Python, plus le contexte `ctx` qu'une
 * fonction C doit recevoir explicitement (elle ne « capture » rien). */
typedef u128 (*pool_fn)(const void *ctx, long item);

/* L'équivalent de functools.partial(cpu_bound, number2=10) : la fonction et
 * la valeur de son second argument, liée une fois pour toutes. PARTAGÉ : le
 * même partial sert à tous les éléments ; chaque appel le lit, aucun ne
 * l'écrit (d'où le const de partial_call). */
typedef struct {
    cpu_fn fn;          /* la fonction à appeler (mode fork : son adresse suffit) */
    const char *name;   /* son nom (mode spawn : seul lui traverse exec) */
    long number2;       /* l'argument lié */
} partial;

/* La fonction publiée sous `name` dans le registre du programme, ou NULL. */
typedef cpu_fn (*lookup_fn)(const char *name);

/* Le pool du chapitre 05 : results[i] = fn(ctx, items[i]), calculés par
 * `workers` processus créés par fork. 0 si tout est calculé. */
int pool_map(pool_fn fn, const void *ctx, const long *items, size_t count, u128 *results,
             int workers);

/* Le même pool en mode « spawn » : des programmes neufs (`self` relancé
 * avec WORKER_FLAG), à qui l'on ne peut envoyer que du texte. Il prend donc
 * le partial lui-même (son nom et son argument lié), pas un pointeur de
 * fonction. 0 si tout est calculé. */
int spawn_pool_map(const char *self, const partial *p, const long *items, size_t count,
                   u128 *results, int workers);

/* Le programme relancé avec WORKER_FLAG : un ouvrier neuf, qui lit ses
 * demandes sur l'entrée standard et retrouve chaque fonction par son nom
 * avec `lookup`. Renvoie le code de sortie du programme. */
int worker_main(lookup_fn lookup);

#endif
