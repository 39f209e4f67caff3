/*
 * ouvriers.h — chapitre 05 : la tuyauterie du pool de processus de
 * multiproc.c, vue du parent (pas la leçon : elle est dans multiproc.c).
 *
 * Ce que le parent sait de chaque ouvrier, ce qui passe dans les tubes, et
 * deux gestes répétés : donner l'élément suivant à un ouvrier libre,
 * dormir jusqu'à ce qu'un tube de résultats ait quelque chose à dire.
 */
#ifndef OUVRIERS_H
#define OUVRIERS_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

/* Un message d'un ouvrier au parent, dans son tube de résultats. */
typedef struct {
    size_t index;
    unsigned __int128 value;
} message;

/* Un ouvrier, vu du parent. Tout ceci n'existe que dans le parent : les
 * enfants en ont une copie, qu'ils n'utilisent que pour fermer les tubes
 * de leurs frères. */
typedef struct {
    pid_t pid;
    int task_fd;     /* parent → ouvrier : indices à calculer (-1 : fermé) */
    int result_fd;   /* ouvrier → parent : résultats (-1 : ouvrier terminé) */
    long current;    /* indice en cours de calcul chez lui, -1 si aucun */
} worker;

/* Donne l'élément suivant (*next, avancé) à l'ouvrier w, s'il en reste.
 * Sinon (ou s'il ne lit plus), ferme son tube des tâches : il s'arrêtera
 * de lui-même. */
void hand_out(worker *w, size_t *next, size_t n);

/* Dort jusqu'à ce qu'au moins un des `count` ouvriers ait écrit dans son
 * tube de résultats (ou l'ait fermé) : fds[k].revents dit lesquels. fds a
 * `count` cases ; un ouvrier terminé (result_fd == -1) est ignoré. */
void wait_for_results(const worker *pool, int count, struct pollfd *fds);

#endif
