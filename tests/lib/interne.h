/*
 * interne.h — ce que les fichiers du harnais (les .c de tests/lib/) partagent entre
 * eux. Les suites n'incluent que td6_test.h : rien d'ici n'est à elles.
 *
 * Le harnais, par sujet :
 *   harnais.c        petits outils (tampons, horloge, délais), récidive,
 *                    lecture d'une sortie, valeurs attendues ;
 *   processus.c      l'arbre des processus lancés par un test, lu dans
 *                    /proc : compter, nommer, tuer (balayage) ;
 *   lancer.c         lancer le programme testé (td6_run, td6_spawn) ;
 *   surveillance.c   attendre sa fin sous l'œil des gardiens (un par
 *                    danger : délai, silence, inactivité, inondation...) ;
 *   bac_a_sable.c    le bac à sable où tourne le programme (bubblewrap) ;
 *   serveur_local.c  le serveur local (démarrer, arrêter, /stats) ;
 *   http.c           les requêtes HTTP du test (libcurl) ;
 *   messages.c       les verdicts en français (td6_require_finished...) ;
 *   principal.c      le main() de chaque suite.
 *
 * Chaque test tourne dans son propre processus (mode fork de Check) : les
 * variables globales du harnais n'appartiennent qu'à un test à la fois.
 */
#ifndef TD6_INTERNE_H
#define TD6_INTERNE_H

#include "td6_test.h"

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <sys/types.h>

#define OUTPUT_LIMIT (8u << 20)   /* au-delà de 8 Mio, la sortie est coupée */
#define MAX_PROCESSES 100         /* processus simultanés d'un programme testé */
#define REPEAT_SILENCE_S 3.0      /* récidive : silence toléré (avant échelle) */
#define IDLE_S 10.0               /* inactivité totale tolérée (avant échelle) */
#define SILENCE_S 15.0            /* ni sortie ni requête, même en calculant */
#define REPEAT_HTTP_S 2.0         /* récidive : attente d'un serveur déjà muet */
#define MAX_SPAWNED 16            /* programmes lancés par td6_spawn à la fois */

/* ---- principal.c, ligne_de_commande.c : la suite ------------------------ */

/* Ajoute à `s` un test (un TCase d'un seul test, nommé `name`) avec sa
 * description et son délai en secondes : ce que déclare TD6_TEST. */
void td6_add(Suite *s, const char *name, td6_test_fn fn, const char *description,
             int timeout_s);

/* Les tests cli_<program>_... (ligne_de_commande.c) : ce que déclare
 * TD6_CLI_TESTS. */
void td6_add_cli_tests(Suite *s, const char *program, const char *form);

/* ---- harnais.c : petits outils ------------------------------------------ */

double now_s(void);
void *xrealloc(void *p, size_t n);

/* Tampon qui grandit, pour les sorties capturées (coupé à OUTPUT_LIMIT). */
typedef struct {
    char *data;
    size_t len, cap;
    bool truncated;
} buffer;

void buffer_add(buffer *b, const char *src, size_t n);
char *buffer_take(buffer *b);

/* Récidive : « kind » vaut "bloque", "silencieux" ou "muet". state_get
 * donne le test où `name` a déjà échoué ainsi ; state_set le note. */
bool state_get(const char *kind, const char *name, char *test, size_t size);
void state_set(const char *kind, const char *name);

/* ---- processus.c : l'arbre des processus du test ------------------------ */

/* Le processus du test devient « subreaper » (une fois). */
void become_subreaper(void);
/* Dans un enfant : SIGKILL si `parent` meurt. */
void die_with_parent(pid_t parent);

/* Ce qu'un relevé de /proc dit des descendants du test. */
typedef struct {
    size_t live;                /* vivants (pas zombies) */
    size_t zombies;             /* finis, jamais attendus (waitpid) */
    unsigned long long cpu;     /* temps processeur consommé en tout (tics) */
    char names[256];            /* « nom (pid N, état S) », trois au plus */
} descendants;

/* Les descendants du test, hors serveur local et hors programmes de
 * td6_spawn. */
descendants count_descendants(void);
/* Tue tous les descendants hors `keep` (et leurs sous-arbres) ; renvoie le
 * nombre de vivants trouvés au premier tour. */
int sweep(const pid_t *keep, size_t n_keep);
/* Ce que le test garde en vie : serveur local et programmes de td6_spawn. */
size_t keep_list(pid_t *keep);

/* Le premier enfant de `parent` trouvé dans /proc, 0 si aucun. */
pid_t child_of(pid_t parent);

/* Ce qui suit « ) » dans /proc/<pid>/stat (lu dans buf), NULL si illisible. */
const char *proc_stat(const char *pid, char *buf, size_t size);
long user_tasks(void);
long system_tasks(void);
long process_threads(pid_t pid);
int max_processes(void);

/* ---- lancer.c ----------------------------------------------------------- */

/* Les pid des programmes de td6_spawn encore vivants (keep) ; renvoie leur
 * nombre. */
size_t spawned_pids(pid_t *pids);
/* Le programme de td6_spawn qui écoute à `url`, ou NULL. */
const char *spawned_name_for(const char *url);

/* ---- surveillance.c ----------------------------------------------------- */

/* Attend la fin du programme r->pid en vidant ses sorties, au plus
 * `timeout` secondes, sous l'œil des gardiens (un par danger) ; remplit r.
 * status_fd >= 0 : r->pid est le relais d'un bac à sable, qui écrit là le
 * statut du programme (voir sandbox_exec). */
void collect(td6_result *r, int out, int err, int status_fd, double timeout, double silence);
/* Les noms des processus laissés par le dernier td6_run (pour le message). */
const char *leftover_names(void);

/* ---- bac_a_sable.c ------------------------------------------------------ */

/* Prépare le bac à sable pour toute la suite (principal.c, avant le
 * premier test) : réseau privé, bwrap trouvé et essayé. */
void sandbox_setup_suite(void);
/* Le bac à sable est-il en service ? Sinon, pourquoi (en français). */
bool sandbox_enabled(void);
const char *sandbox_reason(void);
/* ---- init_bac_a_sable.c ------------------------------------------------- */

/* main() de l'init du bac à sable : le petit programme
 * $BUILD/tests/lib/init_bac_a_sable, ou la suite relancée avec
 * « --td6-init ». */
int td6_sandbox_init(int argc, char **argv);
/* Les signaux que relais et init transmettent au programme. */
void sandbox_signals(sigset_t *set, bool with_child);
/* Un message de l'init au relais : 'S' (lancé, valeur = pid dans le bac à
 * sable), 'E' (execve a échoué, valeur = errno), 'X' (fini, valeur =
 * statut). */
typedef struct {
    char kind;
    int value;
} init_msg;

/* Ce que le relais écrit au test une fois le programme lancé. */
typedef struct {
    int exec_errno;      /* 0 : le programme tourne ; sinon errno de execve */
    int broken;          /* 1 : le bac à sable n'a pas pu être monté */
    pid_t ns_pid;        /* pid du programme dans son espace de pid */
    pid_t host_pid;      /* son pid vu du test (0 s'il a déjà fini) */
    pid_t bwrap, init;   /* les processus du bac à sable, vus du test */
} sandbox_start_msg;

/* Dans l'enfant direct du test (le relais) : lance argv (argv[0] absolu)
 * dans le bac à sable, avec env, les sorties 1 et 2 déjà branchées, et ne
 * revient pas. Écrit le sandbox_start_msg dans `report`. spawn : se
 * termine comme le programme (code ou signal) et lui transmet les signaux
 * reçus ; sinon écrit son statut (int) dans `report` puis attend d'être
 * tué, pour que le test compte ce que le programme a laissé. `writable` :
 * fichiers qu'il peut écrire hors de son dossier de travail. */
void sandbox_exec(char **argv, char **env, int report, bool spawn,
                  const char *const *writable) __attribute__((noreturn));
/* Côté test : lit le sandbox_start_msg (au plus `timeout` s) et inscrit
 * ce bac à sable ; false s'il n'a pas pu être monté. */
bool sandbox_read_start(pid_t relay, int report, sandbox_start_msg *m, double timeout);
void sandbox_forget(pid_t relay);
/* Relais, bwrap et init des bacs à sable en cours : ni comptés comme
 * processus du programme, ni nommés dans les messages. */
size_t sandbox_infrastructure(pid_t *pids, size_t max);
/* Le programme que relaie `relay` (vu du test), ou relay lui-même. */
pid_t sandbox_program_pid(pid_t relay);
/* Le groupe à geler pour arrêter net le programme et ses enfants. */
pid_t sandbox_process_group(pid_t relay);

/* ---- serveur_local.c ---------------------------------------------------- */

/* pid du serveur local du test (-1 s'il n'y en a pas). */
pid_t server_current_pid(void);
/* Requêtes servies et en cours, lues dans /stats ; false sans réponse. */
bool server_activity(long *requests, long *in_flight);

/* ---- messages.c --------------------------------------------------------- */

/* « N lignes, la dernière : « ... » », ou « rien ». */
const char *output_summary(const char *text, size_t len);

#endif
