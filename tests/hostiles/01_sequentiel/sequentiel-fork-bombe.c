/*
 * Copie hostile : une boucle de fork(). Chaque URL est confiée à un
 * processus enfant... qui oublie de se terminer (_exit) : il reprend la
 * boucle et forke à son tour. Le nombre de processus double à chaque tour
 * (2^160 en théorie). Le harnais doit compter les processus, tout tuer au
 * delà de la limite, et le dire — aussi sous root, où RLIMIT_NPROC ne
 * s'applique pas.
 *
 * Garde-fou pour la machine si le harnais faillait : chaque processus
 * s'arrête de lui-même 10 s après le départ, et chaque « téléchargement »
 * prend 20 ms (le nombre de processus double toutes les 20 ms).
 * @echoue tout_est_lu
 * @echoue une_seule_connexion
 * @message processus
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commun.h"

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);
    double start = td6_now();

    for (size_t i = 0; i < sites.count; i++) {
        if (td6_now() - start > 10)
            _exit(0);
        pid_t pid = fork();
        if (pid == 0) {
            usleep(20000);   /* « le téléchargement » : 20 ms */
            printf("Read %d from %s\n", i % 2 == 0 ? 10782 : 277, sites.urls[i]);
            fflush(stdout);
            /* Oubli : _exit(0) ; l'enfant continue la boucle. */
        }
    }
    while (wait(NULL) > 0)
        continue;
    printf("Downloaded %zu in 0 seconds\n", sites.count);
    td6_sites_free(&sites);
    return 0;
}
