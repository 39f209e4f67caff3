/*
 * Copie hostile (bac à sable) : réécrire les résultats du correcteur.
 * Sans rien télécharger, le programme cherche les fichiers de résultats
 * comme le ferait un tricheur : par $TD6_RESULTS, par l'environnement de
 * son parent et de l'init (/proc/<ppid>/environ, /proc/1/environ), puis en
 * parcourant build/ depuis son propre exécutable (resultats*, *.json,
 * *.txt, *.tap, *.xml, *.csv). Il tente de réécrire chacun (« tout est
 * réussi ») et affiche sur sa première ligne ce qu'il a trouvé. Dans le
 * bac à sable, $TD6_RESULTS n'existe pas, l'init ne se laisse pas lire,
 * le dossier des résultats est caché et tout le reste est en lecture
 * seule : rien n'est réécrit. Hors bac à sable, il ne tente rien.
 * @bac-a-sable
 * @sentinelle td6-hostile-sentinelle
 * @echoue tout_est_lu
 * @echoue une_seule_connexion
 * @echoue arguments
 * @message hors de son dossier de travail
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commun.h"

static int found, rewritten;

/* Le contenu « falsifié » : le nom du témoin, jamais affiché ailleurs. */
static const char forged[] = "{\"reussi\": true, \"falsifie\": \"td6-hostile-sentinelle\"}\n";

static void forge(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);

    found++;
    if (fd < 0) {
        fprintf(stderr, "réécrire un résultat : %s\n", strerror(errno));
        return;
    }
    if (write(fd, forged, sizeof forged - 1) == (ssize_t)(sizeof forged - 1))
        rewritten++;
    close(fd);
}

static bool looks_like_result(const char *name)
{
    static const char *const ends[] = { ".json", ".txt", ".tap", ".xml", ".csv" };
    size_t len = strlen(name);

    if (strncmp(name, "resultats", 9) == 0 || strcmp(name, "notes.csv") == 0)
        return true;
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        if (len > strlen(ends[i]) && strcmp(name + len - strlen(ends[i]), ends[i]) == 0)
            return true;
    return false;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    if (type == FTW_F && looks_like_result(path + ftw->base) && found < 200)
        forge(path);
    return 0;
}

/* Cherche TD6_RESULTS=... dans /proc/<pid>/environ. */
static void from_environ(const char *pid)
{
    char path[64], env[65536];
    int fd;
    ssize_t len;

    snprintf(path, sizeof path, "/proc/%s/environ", pid);
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "%s : %s\n", path, strerror(errno));
        return;
    }
    len = read(fd, env, sizeof env - 1);
    close(fd);
    for (ssize_t i = 0; len > 0 && i < len; i += (ssize_t)strlen(env + i) + 1) {
        env[len] = '\0';
        if (strncmp(env + i, "TD6_RESULTS=", 12) == 0) {
            char file[4200];

            snprintf(file, sizeof file, "%s.json", env + i + 12);
            forge(file);
        }
    }
}

int main(int argc, char **argv)
{
    url_list sites = td6_sites(argc, argv, 1);
    char dir[4096], ppid[32];
    ssize_t len = readlink("/proc/self/exe", dir, sizeof dir - 1);

    if (getpid() != 2) {
        fprintf(stderr, "pas de bac à sable : rien n'est tenté\n");
        return 1;
    }
    if (getenv("TD6_RESULTS") != NULL) {
        char file[4200];

        snprintf(file, sizeof file, "%s.json", getenv("TD6_RESULTS"));
        forge(file);
    }
    snprintf(ppid, sizeof ppid, "%d", (int)getppid());
    from_environ(ppid);
    from_environ("1");
    /* Remonter jusqu'au dossier build/, puis tout parcourir. D'abord, un
     * faux résultat à côté de son propre exécutable : où que soit le
     * dépôt, cet essai-là a toujours lieu (et le bac à sable le refuse). */
    if (len > 0) {
        char own[4200], *slash;

        dir[len] = '\0';
        snprintf(own, sizeof own, "%s", dir);
        slash = strrchr(own, '/');
        if (slash != NULL) {
            snprintf(slash, sizeof own - (size_t)(slash - own), "/resultats.json");
            forge(own);
        }
        for (char *at = strstr(dir, "/build/"); at != NULL; at = NULL) {
            at[6] = '\0';
            nftw(dir, visit, 16, FTW_PHYS);
        }
    }
    printf("résultats trouvés : %d, réécrits : %d\n", found, rewritten);
    for (size_t i = 1; i < sites.count; i++)
        printf("Read %d from %s\n", i % 2 == 0 ? 10782 : 277, sites.urls[i]);
    printf("Downloaded %zu in 0.5 seconds\n", sites.count);
    td6_sites_free(&sites);
    return 0;
}
