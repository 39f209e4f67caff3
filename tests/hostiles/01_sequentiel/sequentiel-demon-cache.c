/*
 * Copie hostile (bac à sable) : un démon caché. Le programme se dédouble
 * deux fois (fork, setsid, fork : le petit-enfant n'a plus ni parent ni
 * terminal, la recette classique d'un démon), attend son enfant pour ne
 * laisser aucun zombie, affiche des résultats et se termine. Le démon,
 * lui, reste : il tente chaque seconde de déposer un fichier
 * « td6-hostile-sentinelle » dans $HOME et dans le dossier de son
 * exécutable, et de signaler le processus 1. Dans le bac à sable, l'init
 * (pid 1) ne reçoit pas ses signaux, rien n'est écrit, le test trouve le
 * démon, le tue et le signale. Hors bac à sable, il ne tente rien.
 * @bac-a-sable
 * @sentinelle td6-hostile-sentinelle
 * @echoue tout_est_lu
 * @echoue une_seule_connexion
 * @echoue arguments
 * @message derrière lui
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commun.h"

static void daemon_loop(const char *exe_dir)
{
    const char *home = getenv("HOME");

    for (int i = 0; i < 3600; i++) {
        const char *dirs[] = { home, exe_dir };

        for (size_t k = 0; k < 2; k++) {
            char path[4200];
            int fd;

            if (dirs[k] == NULL)
                continue;
            snprintf(path, sizeof path, "%s/td6-hostile-sentinelle", dirs[k]);
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0)
                close(fd);
        }
        kill(1, SIGKILL);
        sleep(1);
    }
}

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);
    char dir[4096];
    ssize_t len = readlink("/proc/self/exe", dir, sizeof dir - 1);
    pid_t child;

    if (getpid() != 2) {
        fprintf(stderr, "pas de bac à sable : rien n'est tenté\n");
        return 1;
    }
    dir[len > 0 ? len : 0] = '\0';
    if (strrchr(dir, '/') != NULL)
        *strrchr(dir, '/') = '\0';
    fflush(NULL);
    child = fork();
    if (child == 0) {
        setsid();
        if (fork() == 0) {
            /* Le démon : sorties fermées, le test ne voit plus de tube. */
            fclose(stdout);
            fclose(stderr);
            daemon_loop(dir);
        }
        _exit(0);
    }
    waitpid(child, NULL, 0);
    for (size_t i = 0; i < sites.count; i++)
        printf("Read %d from %s\n", i % 2 == 0 ? 10782 : 277, sites.urls[i]);
    printf("Downloaded %zu in 0.5 seconds\n", sites.count);
    td6_sites_free(&sites);
    return 0;
}
