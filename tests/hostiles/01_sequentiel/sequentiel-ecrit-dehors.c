/*
 * Copie hostile (bac à sable) : écrire hors de son dossier de travail.
 * Sans rien télécharger, le programme tente de déposer un fichier
 * « td6-hostile-sentinelle » à côté de son exécutable (build/...), dans
 * chaque dossier au-dessus (jusqu'à la racine des sources et /), dans le
 * dossier d'où make a été lancé ($PWD) et dans $HOME, puis affiche les
 * lignes attendues comme s'il avait tout lu. Dans le bac à sable, tout
 * est en lecture seule sauf son /tmp privé : chaque écriture échoue
 * (EROFS), rien n'est écrit, et le harnais explique pourquoi c'est
 * interdit. Hors bac à sable, il ne tente rien.
 * @bac-a-sable
 * @sentinelle td6-hostile-sentinelle
 * @echoue tout_est_lu
 * @echoue une_seule_connexion
 * @echoue arguments
 * @message hors de son dossier de travail
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commun.h"

/* Tente d'écrire le fichier témoin dans `dir` ; dit l'échec sur stderr
 * (sans nommer le fichier, pour que seul un fichier écrit le trahisse). */
static int drop(const char *dir)
{
    char path[4200];
    int fd;

    snprintf(path, sizeof path, "%s/td6-hostile-sentinelle", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "%s : %s\n", dir, strerror(errno));
        return 0;
    }
    if (write(fd, "ecrit\n", 6) < 0)
        fprintf(stderr, "%s : %s\n", dir, strerror(errno));
    close(fd);
    return 1;
}

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);
    char dir[4096];
    ssize_t len = readlink("/proc/self/exe", dir, sizeof dir - 1);
    int written = 0;

    /* Dans le bac à sable, le programme est le pid 2 (l'init est le 1). */
    if (getpid() != 2) {
        fprintf(stderr, "pas de bac à sable : rien n'est tenté\n");
        return 1;
    }
    if (len > 0) {
        dir[len] = '\0';
        for (char *slash = strrchr(dir, '/'); slash != NULL; slash = strrchr(dir, '/')) {
            *slash = '\0';
            written += drop(dir[0] != '\0' ? dir : "/");
        }
    }
    if (getenv("PWD") != NULL)
        written += drop(getenv("PWD"));
    if (getenv("HOME") != NULL)
        written += drop(getenv("HOME"));
    drop("/tmp");   /* son dossier de travail : permis, et effacé à la fin */
    for (size_t i = 0; i < sites.count; i++)
        printf("Read %d from %s\n", i % 2 == 0 ? 10782 : 277, sites.urls[i]);
    printf("Downloaded %zu in 0.5 seconds\n", sites.count);
    td6_sites_free(&sites);
    return written > 0 ? 0 : 1;
}
