/*
 * Copie hostile : un interblocage (deadlock). Les threads prennent leur
 * prochaine URL dans une file protégée par un verrou ; celui qui trouve la
 * file vide s'en va... sans rendre le verrou. Tous les autres restent
 * bloqués sur pthread_mutex_lock, et main attend pour toujours dans
 * pthread_join. Rien ne s'affiche, aucun processeur n'est utilisé : le
 * harnais doit l'arrêter à son délai et parler d'interblocage.
 * @echoue tout_est_lu
 * @echoue cinq_threads
 * @message interblocage
 */
#include <pthread.h>
#include <stdio.h>

#include "commun.h"

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t next_url;        /* partagé, protégé par queue_lock */
static url_list sites;         /* partagé, en lecture seule */

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        Pthread_mutex_lock(&queue_lock);
        if (next_url == sites.count)
            return NULL;   /* oubli : Pthread_mutex_unlock(&queue_lock) */
        next_url++;
        Pthread_mutex_unlock(&queue_lock);
        /* (le téléchargement serait ici) */
    }
}

int main(int argc, char **argv)
{
    pthread_t threads[5];

    sites = td6_sites(argc, argv, 1);
    for (int i = 0; i < 5; i++)
        Pthread_create(&threads[i], NULL, worker, NULL);
    for (int i = 0; i < 5; i++)
        Pthread_join(threads[i], NULL);
    printf("Downloaded %zu in 0 seconds\n", sites.count);
    td6_sites_free(&sites);
    return 0;
}
