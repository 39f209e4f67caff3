/*
 * Copie hostile : tout est affiché, puis le programme ne se termine jamais.
 * Il attend (pthread_join) un thread « d'affichage » qui, lui, attend un
 * signal de condition que personne n'envoie. La sortie est complète et
 * juste ; seul le code de sortie manque.
 * @echoue tout_est_lu
 * @echoue une_seule_connexion
 * @message ne s'est pas terminé
 */
#include <pthread.h>
#include <stdio.h>

#include "commun.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static int done;   /* partagé, protégé par lock ; jamais mis à 1 */

static void *waiter(void *arg)
{
    (void)arg;
    Pthread_mutex_lock(&lock);
    while (!done)
        Pthread_cond_wait(&finished, &lock);
    Pthread_mutex_unlock(&lock);
    return NULL;
}

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);
    pthread_t t;

    Pthread_create(&t, NULL, waiter, NULL);
    /* Les bonnes lignes, sans rien télécharger (les tailles du cours). */
    for (size_t i = 0; i < sites.count; i++)
        printf("Read %d from %s\n", i % 2 == 0 ? 10782 : 277, sites.urls[i]);
    printf("Downloaded %zu in 0.5 seconds\n", sites.count);
    fflush(stdout);
    Pthread_join(t, NULL);   /* attend pour toujours */
    td6_sites_free(&sites);
    return 0;
}
