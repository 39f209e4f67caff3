/*
 * Copie hostile : un processus laissé derrière soi. Le programme lance un
 * enfant qui se détache (setsid, nouveau groupe de processus) et dort, puis
 * affiche des résultats justes et se termine. Tuer le groupe du programme
 * ne suffit pas : le harnais doit retrouver l'enfant (il est « subreaper »),
 * le tuer et le signaler.
 * @echoue tout_est_lu
 * @echoue une_seule_connexion
 * @echoue arguments
 * @message derrière lui
 */
#include <stdio.h>
#include <unistd.h>

#include "commun.h"

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);

    if (fork() == 0) {
        setsid();
        /* Fermer les sorties : le test ne voit plus de tube ouvert. */
        fclose(stdout);
        fclose(stderr);
        sleep(3600);
        _exit(0);
    }
    for (size_t i = 0; i < sites.count; i++)
        printf("Read %d from %s\n", i % 2 == 0 ? 10782 : 277, sites.urls[i]);
    printf("Downloaded %zu in 0.5 seconds\n", sites.count);
    td6_sites_free(&sites);
    return 0;
}
