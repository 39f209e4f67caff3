/*
 * Copie hostile (bac à sable) : chercher une sortie vers le réseau. Sans
 * rien télécharger, le programme fait l'inventaire de ce qu'il voit du
 * réseau — les interfaces (getifaddrs), /sys/class/net, les routes
 * (/proc/net/route) — et l'affiche sur sa première ligne, où le test le
 * cite. Il n'envoie RIEN, à personne : il regarde seulement. Dans le bac à
 * sable, la suite entière a son propre espace de noms réseau : seule « lo »
 * existe, /sys est caché (/sys/class/net est vide), aucune route. Hors
 * bac à sable, il ne regarde même pas.
 * @bac-a-sable
 * @echoue tout_est_lu
 * @echoue une_seule_connexion
 * @echoue arguments
 * @message lu « interfaces vues : lo ; /sys/class/net : vide ; routes : 0 »
 */
#include <dirent.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commun.h"

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);
    struct ifaddrs *all = NULL;
    char names[512] = "", sys[512] = "";
    int routes = -1;
    DIR *d;
    FILE *f;

    if (getpid() != 2) {
        fprintf(stderr, "pas de bac à sable : rien n'est tenté\n");
        return 1;
    }
    /* Chaque interface une fois (getifaddrs en donne une par adresse) :
     * names vaut « nom1 nom2 ... », chaque nom entouré d'espaces. */
    if (getifaddrs(&all) == 0) {
        for (struct ifaddrs *i = all; i != NULL; i = i->ifa_next) {
            char word[80];

            snprintf(word, sizeof word, " %s ", i->ifa_name);
            if (strstr(names, word) == NULL && strlen(names) + strlen(word) < sizeof names)
                strcat(names, word + (names[0] != '\0'));
        }
        freeifaddrs(all);
    }
    if (names[0] != '\0')
        names[strlen(names) - 1] = '\0';
    if ((d = opendir("/sys/class/net")) != NULL) {
        struct dirent *e;

        while ((e = readdir(d)) != NULL)
            if (e->d_name[0] != '.' && strlen(sys) + strlen(e->d_name) + 2 < sizeof sys) {
                strcat(sys, sys[0] ? " " : "");
                strcat(sys, e->d_name);
            }
        closedir(d);
    } else {
        snprintf(sys, sizeof sys, "absent");
    }
    if ((f = fopen("/proc/net/route", "r")) != NULL) {
        char line[256];

        routes = 0;
        while (fgets(line, sizeof line, f) != NULL)
            routes++;
        routes--;   /* la ligne d'en-tête */
        fclose(f);
    }
    /* Ce qu'il a vu, là où le test le citera : sa première ligne. */
    printf("interfaces vues : %s ; /sys/class/net : %s ; routes : %d\n",
           names[0] ? names + 1 : "aucune", sys[0] ? sys : "vide", routes < 0 ? 0 : routes);
    for (size_t i = 1; i < sites.count; i++)
        printf("Read %d from %s\n", i % 2 == 0 ? 10782 : 277, sites.urls[i]);
    printf("Downloaded %zu in 0.5 seconds\n", sites.count);
    td6_sites_free(&sites);
    return 0;
}
