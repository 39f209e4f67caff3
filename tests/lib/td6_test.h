/*
 * td6_test.h — le harnais commun à toutes les suites de tests (Check).
 *
 * Une suite ne compile rien elle-même : elle lance, comme un processus, le
 * programme construit depuis td6/ ou solutions/ (le Makefile choisit le
 * dossier et le passe dans $TD6_BIN), contre le serveur local qu'elle a
 * démarré sur un port libre, puis elle lit la sortie du programme et les
 * statistiques du serveur (/stats). Jamais de chronomètre : la concurrence se
 * juge à ce que le serveur a vu (pic de requêtes simultanées, connexions).
 *
 * Écrire une suite (tests/NN_nom/test_*.c) : chaque test est déclaré là où
 * il est écrit, avec son nom, son délai en secondes et sa description
 * (voir TD6_TEST plus bas) :
 *
 *     TD6_TEST(tout_est_lu, 30, "chaque URL est lue une fois, avec la bonne taille")
 *     {
 *         ...
 *         ck_assert_msg(...);
 *     }
 *     ...
 *     TD6_CLI_TESTS("threads", "URL -w 1 1000");
 *
 * Il n'y a rien d'autre à écrire : pas de liste des tests à tenir à jour.
 * Une suite peut tenir en plusieurs fichiers (tests/03_async/) : chacun
 * déclare les siens. Les tests tournent dans l'ordre des fichiers (par
 * nom), puis de leurs lignes.
 *
 * Le main() est fourni par tests/lib/principal.c : il lance chaque test dans
 * un processus à part (mode fork de Check) avec son délai, affiche le
 * résultat en français et écrit $TD6_RESULTS.json.
 *
 * Tout ce qui est lancé (serveur, programme testé) reçoit SIGKILL si le
 * processus du test meurt (PR_SET_PDEATHSIG) : un test qui expire ne laisse
 * rien derrière lui. Les petits-enfants non plus : le processus du test et
 * celui de la suite sont « subreapers » (un orphelin leur revient au lieu
 * d'aller à init), td6_run tue ce que le programme a laissé, et la suite
 * balaie après chaque test (voir td6_run et td6_sweep). Les copies
 * hostiles de tests/hostiles/ (boucle, interblocage, inondation, fork sans
 * fin, serveur muet...) le prouvent dans make check.
 *
 * Bac à sable : chaque programme lancé par td6_run ou td6_spawn tourne dans
 * bubblewrap (voir bac_a_sable.c) : fichiers en lecture seule sauf un /tmp
 * à lui (son dossier courant) et le fichier $TD6_TRACE que le test lui
 * donne, loopback seule, son propre espace de pid, aucune variable TD6_
 * du correcteur hors celles que le test passe. Une suite n'a rien à
 * changer : td6_result.pid est le pid que le programme voit (celui de ses
 * traces), td6_process.pid un processus que le test peut signaler et
 * attendre comme le programme (SIGTERM lui est transmis, son code de fin
 * est celui du programme), td6_thread_count les traduit.
 */
#ifndef TD6_TEST_H
#define TD6_TEST_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- Enregistrement des tests ------------------------------------------ */

/* Une fonction de test : pas d'argument, elle échoue par ck_assert_msg /
 * ck_abort_msg. */
typedef void (*td6_test_fn)(void);

/* TD6_TEST(nom, délai_s, "description") { corps }
 *
 * Définit la fonction de test `static void test_nom(void)` (le corps qui
 * suit) et la déclare au harnais : un test nommé `nom` (un TCase d'un seul
 * test), avec sa description française et son délai en secondes (multiplié
 * par $CK_TIMEOUT_MULTIPLIER, comme le fait Check). Le nom est celui que
 * citent hors_note.txt, bonus.txt, les indices, EXIGENCES.md et les lignes
 * « @echoue » des mutants et des copies hostiles.
 *
 * Pourquoi une déclaration sur place, comme Test() de Criterion ou
 * START_TEST de Check, plutôt qu'une liste td6_add(...) en fin de fichier :
 *   - le nom, le délai et la description sont écrits une fois, au-dessus du
 *     test qu'ils décrivent : rien à tenir à jour ailleurs, pas de test écrit
 *     mais oublié dans la liste, pas de nom qui diffère de sa fonction ;
 *   - ces listes avaient toutes la même forme, ligne pour ligne, dans chaque
 *     suite ; une table des tests l'aurait gardée ;
 *   - une suite en plusieurs fichiers n'a plus à chaîner leurs listes.
 * La déclaration passe par une fonction __attribute__((constructor)) (GCC
 * et Clang), appelée avant main() : elle ne fait que noter le test dans la
 * table du harnais (principal.c), avec son fichier et sa ligne. main() trie
 * cette table par fichier puis par ligne : l'ordre des tests (celui du
 * rapport, de --liste et de la récidive) est celui de la lecture des
 * sources, quel que soit l'ordre dans lequel l'éditeur de liens range les
 * constructeurs. */
#define TD6_TEST(name, timeout_s, description)                                                     \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void td6_declare_##name(void)                              \
    {                                                                                              \
        td6_declare_test(#name, test_##name, description, timeout_s, __FILE__, __LINE__);          \
    }                                                                                              \
    static void test_##name(void)

/* TD6_CLI_TESTS(programme, forme) : à l'endroit où elle est écrite, les
 * tests (non notés, nommés cli_<programme>_...) de la ligne de commande de
 * `programme` ; voir tests/lib/ligne_de_commande.c pour `forme`. (Deux
 * niveaux de macro pour que __LINE__ nomme le constructeur.) */
#define TD6_CLI_TESTS(program, form) TD6_CLI_TESTS_AT(program, form, __LINE__)
#define TD6_CLI_TESTS_AT(program, form, line) TD6_CLI_TESTS_FN(program, form, line)
#define TD6_CLI_TESTS_FN(program, form, line)                                                      \
    __attribute__((constructor)) static void td6_declare_cli_##line(void)                          \
    {                                                                                              \
        td6_declare_cli_tests(program, form, __FILE__, __LINE__);                                  \
    }                                                                                              \
    extern int td6_declared_cli_##line /* pour le point-virgule qui suit */

/* Appelées par ces deux macros (pas directement). */
void td6_declare_test(const char *name, td6_test_fn fn, const char *description,
                      int timeout_s, const char *file, int line);
void td6_declare_cli_tests(const char *program, const char *form, const char *file, int line);

/* Délai réel pour `seconds` une fois appliqué $CK_TIMEOUT_MULTIPLIER. */
double td6_scaled(double seconds);

/* ---- Le serveur local -------------------------------------------------- */

/* Démarre build/serveur/serveur (chemin dans $TD6_SERVER_BIN) sur un port
 * libre avec la latence donnée, attend qu'il soit prêt, et le garde jusqu'à
 * la fin du test (il est arrêté automatiquement). Échec du test si le
 * serveur ne démarre pas. */
void td6_server_start(int latency_ms);

/* Le même, avec un rendez-vous (serveur -r, voir serveur/serveur.c) :
 * aucune réponse ne part avant que `rendezvous` requêtes soient en vol
 * ensemble (ou 5 s d'attente vaine). Un test du pic ne dépend alors plus
 * de la charge de la machine : un programme qui envoie bien N requêtes
 * ensemble atteint le pic N à coup sûr, même lentement ; un programme qui
 * ne le fait pas ne l'atteint jamais. */
void td6_server_start_rendezvous(int latency_ms, int rendezvous);

/* URL de base du serveur démarré, ex. "http://127.0.0.1:43125". */
const char *td6_server_url(void);

/* Arrête le serveur (facultatif : c'est fait à la fin du test). */
void td6_server_stop(void);

typedef struct {
    long requests;     /* requêtes servies (hors /stats et /reset) */
    long connections;  /* connexions TCP ayant porté au moins une requête */
    long peak;         /* pic de requêtes simultanées ("en vol") */
    long in_flight;    /* requêtes en cours au moment de la lecture */
    long jython, dice, xkcd, images, other;  /* requêtes par chemin */
    /* Horloge du serveur (ms, monotone) : sa valeur à la lecture, l'arrivée
     * de la première et de la dernière requête comptée depuis /reset, et le
     * plus long délai entre l'ouverture d'une connexion et sa première
     * requête. L'ordre et l'écart d'événements vus par le serveur, à
     * comparer à sa latence avec une large marge : pas un chronomètre. */
    double clock_ms, first_ms, last_ms, connect_wait_ms;
} td6_stats;

/* Lit /stats (échec du test si impossible). */
td6_stats td6_server_stats(void);

/* Remet les statistiques à zéro (/reset). */
void td6_server_reset(void);
/* Le même, et un rendez-vous de `rendezvous` requêtes armé à partir de
 * maintenant (0 : plus de rendez-vous) : pour juger un pic après un premier
 * client servi seul. */
void td6_server_reset_rendezvous(int rendezvous);

/* ---- Lancer le programme testé ----------------------------------------- */

/* Chemin du programme `name` de l'exercice testé : "$TD6_BIN/name". */
const char *td6_program(const char *name);

typedef struct {
    char *out;          /* sortie standard (terminée par '\0') */
    size_t out_len;
    char *err;          /* sortie d'erreur (terminée par '\0') */
    size_t err_len;
    bool truncated;     /* la sortie dépassait la limite et a été coupée */
    bool timed_out;     /* tué car il n'avait pas fini dans le délai */
    bool exited;        /* terminé normalement (exit) */
    int status;         /* code de sortie si exited */
    int signal;         /* signal qui l'a tué sinon */
    bool not_found;     /* le programme n'existe pas ou n'a pas pu être lancé */
    bool leftovers;     /* des processus lancés par lui vivaient encore à sa fin */
    pid_t pid;          /* son pid tel qu'il le voit (getpid, ses traces) */
    /* Ajouts du harnais « copies hostiles » (tests/hostiles/) : */
    bool flooded;       /* arrêté dès que sa sortie a dépassé 8 Mio */
    bool too_many_processes;  /* arrêté : plus de $TD6_MAX_PROCESSES processus */
    int processes;      /* nombre maximal de processus vus en même temps */
    int leftover_count; /* combien de processus il a laissés (tués depuis) */
    int zombies;        /* enfants finis qu'il n'a jamais attendus (waitpid) */
    bool idle;          /* arrêté car inactif : ni sortie, ni calcul, ni requête */
    bool silent;        /* arrêté car silencieux : ni sortie ni requête (silence_s) */
    bool repeat;        /* déjà bloqué dans un test précédent : silence court */
    double silence_s;   /* silence toléré : 15 s, 3 s en récidive (mis à l'échelle) */
    bool sandbox_broken; /* le bac à sable n'a pas pu être monté (voir bac_a_sable.c) */
    double cpu_s;       /* temps processeur (utilisateur + système) du programme,
                         * tous threads et enfants attendus compris (wait4) */
} td6_result;

/* Lance `name` (argv sans argv[0], terminé par NULL ; NULL = aucun
 * argument) avec $TD6_SERVER pointant sur le serveur démarré et les
 * variables supplémentaires `env` ("NOM=valeur", terminé par NULL ; peut
 * être NULL). Attend sa fin, au plus `timeout_s` secondes (mis à l'échelle),
 * puis tue tout son groupe de processus.
 *
 * Protections contre une copie hostile (voir tests/hostiles/) :
 *   - sortie de plus de 8 Mio : le programme est arrêté aussitôt (flooded) ;
 *   - plus de $TD6_MAX_PROCESSES (100) processus lancés par lui en même
 *     temps : tous sont tués aussitôt (too_many_processes). Le test est un
 *     « subreaper » (PR_SET_CHILD_SUBREAPER) : même un processus qui quitte
 *     son groupe (setsid) ou dont le parent meurt reste son descendant,
 *     compté puis tué. Marche aussi sous root, où RLIMIT_NPROC ne s'applique
 *     pas (hors root, RLIMIT_NPROC est posé en plus) ;
 *   - processus encore vivants après la fin du programme : tués, comptés
 *     (leftovers) ;
 *   - inactivité : ni sortie, ni temps processeur consommé (lui et ses
 *     descendants), ni requête vue par le serveur local pendant 10 s (mis à
 *     l'échelle) : arrêté comme bloqué (idle, timed_out), sans attendre la
 *     fin du délai ;
 *   - silence : ni sortie ni requête au serveur pendant 15 s (mis à
 *     l'échelle), même en calculant : arrêté (silent, timed_out). Une
 *     requête en cours au serveur compte comme un progrès : attendre une
 *     réponse lente n'est pas un silence ;
 *   - récidive : si ce programme a déjà dépassé son délai dans un test
 *     précédent de la même suite, il est arrêté dès qu'il reste
 *     3 s (mis à l'échelle) sans rien écrire ni faire travailler le serveur
 *     (repeat), pour qu'une copie bloquée soit notée en temps borné.
 * $TD6_WRAPPER (ex. « valgrind -q ... », chemin absolu) préfixe la
 * commande pour les programmes nommés dans $TD6_WRAPPER_PROGS (tous si
 * cette variable est vide) : c'est ce qu'utilise make valgrind. */
td6_result td6_run(const char *name, const char *const *args, const char *const *env,
                   double timeout_s);

/* Échoue le test avec un message qui explique, si le programme n'a pas pu
 * être lancé, a planté, n'a pas fini à temps, a inondé sa sortie, a lancé
 * trop de processus, en a laissé derrière lui ou a déclenché un sanitizer
 * (ou valgrind). Ne dit rien s'il s'est terminé normalement (quel que soit
 * son code de sortie). */
void td6_require_finished(const td6_result *r, const char *name);

/* Échoue le test si stderr contient un rapport de ThreadSanitizer,
 * AddressSanitizer, UBSan ou valgrind (appelé par td6_require_finished ;
 * utile seul pour un programme lancé par td6_spawn). */
void td6_require_clean(const td6_result *r, const char *name);

void td6_result_free(td6_result *r);

/* ---- Sanitizers dans la note --------------------------------------------- */

/* Les tests suivants (td6_run, td6_spawn, td6_program) lancent les
 * programmes construits avec un sanitizer, dont make test (scripts/tester.sh)
 * met le dossier dans la variable `variable` : "TD6_BIN_TSAN"
 * (ThreadSanitizer) ou "TD6_BIN_ASAN" (AddressSanitizer + UBSan + fuites).
 * Échec du test, avec un message, si ce dossier n'existe pas. Un rapport du
 * sanitizer fait ensuite échouer td6_require_finished / td6_require_clean. */
void td6_use_sanitized(const char *variable);

/* La première ligne de pile de `report` qui est dans le code de l'étudiant
 * (un fichier d'un dossier NN_nom/), résumée dans buf : « fonction », dans
 * fichier.c:ligne. Renvoie buf. */
const char *td6_student_frame(const char *report, char *buf, size_t size);

/* Un programme lancé en arrière-plan (un serveur web du chapitre 04). */
typedef struct {
    pid_t pid;           /* à signaler (kill) et attendre (waitpid) comme le programme */
    char *first_line;    /* première ligne de sa sortie standard */
    char out_path[64];   /* fichiers temporaires qui reçoivent ses sorties */
    char err_path[64];
} td6_process;

/* Lance `name` en arrière-plan et attend sa première ligne de sortie
 * (au plus timeout_s). Échec du test avec un message clair si elle ne vient
 * pas ou si le programme meurt. Récidive : un programme qui n'a pas affiché
 * sa première ligne à temps dans un test précédent n'a plus que 2 s. Les
 * requêtes (td6_get) vers un programme lancé ainsi qui est déjà resté muet
 * une fois n'attendent plus que 2 s (mis à l'échelle). */
td6_process td6_spawn(const char *name, const char *const *args, const char *const *env,
                      double timeout_s);

/* true si le processus vit encore. */
bool td6_alive(td6_process *p);

/* SIGTERM, puis SIGKILL après un court délai ; libère tout. */
void td6_kill(td6_process *p);

/* ---- HTTP (client libcurl du test) ------------------------------------ */

typedef struct {
    long status;   /* code HTTP, 0 si pas de réponse */
    char *body;    /* corps (terminé par '\0'), jamais NULL */
    size_t len;
    char error[256];  /* message de libcurl si pas de réponse */
} td6_http;

/* error est en français, suivi du texte de libcurl entre parenthèses
 * (ex. « pas de réponse dans le délai (2 s) (Timeout was reached) »). */
td6_http td6_get(const char *url, double timeout_s);
td6_http td6_request(const char *method, const char *url, double timeout_s);
void td6_http_free(td6_http *h);

/* ---- Lire une sortie --------------------------------------------------- */

/* Découpe `text` en lignes (sans '\n'). Renvoie le nombre de lignes ;
 * *lines est un tableau à libérer avec td6_lines_free. */
size_t td6_lines(const char *text, char ***lines);
void td6_lines_free(char **lines, size_t n);

/* Nombre d'occurrences (sans chevauchement) de `needle` dans `text`. */
size_t td6_count(const char *text, const char *needle);

/* Les dernières lignes du cours. `line` (peut être NULL) est-elle
 * « Downloaded <n> in <s> seconds » (chapitres 01 à 03) ? Si oui, *count
 * et *seconds reçoivent n et s. */
bool td6_downloaded_line(const char *line, size_t *count, double *seconds);
/* `line` (peut être NULL) est-elle « Duration <s> seconds », s ≥ 0
 * (chapitres 05 à 07) ? */
bool td6_duration_line(const char *line);

/* ---- Valeurs attendues ------------------------------------------------- */

/* Σ_{i<n} i² = n(n−1)(2n−1)/6, exacte sur 128 bits (0 pour n < 2). */
unsigned __int128 td6_sum_squares(long n);

/* `value` en décimal dans buf (48 octets suffisent) ; renvoie buf. */
char *td6_u128_text(unsigned __int128 value, char buf[48]);

/* La ligne attendue pour `n` aux chapitres 05 et 07, « cpu_bound(n) =
 * Σ_{i<n} i² », dans buf (96 octets suffisent) ; renvoie la somme. */
unsigned __int128 td6_cpu_bound_line(long n, char *buf, size_t size);

/* Nombre de threads du processus `pid` (entrées de /proc/<pid>/task),
 * -1 s'il n'existe plus. */
long td6_thread_count(pid_t pid);

/* Temps processeur (utilisateur + système, tous ses threads) déjà consommé
 * par le processus `pid` vivant (/proc/<pid>/stat), en secondes ; -1 s'il
 * n'existe plus. Pas un chronomètre : la charge de la machine ne le gonfle
 * pas. */
double td6_cpu_seconds(pid_t pid);

/* Un fichier de trace vide, neuf pour ce lancement (l'ancien est effacé),
 * effacé à la fin du test ; renvoie "TD6_TRACE=<chemin>", à mettre dans
 * l'environnement du programme (le bac à sable le laisse écrire là). */
const char *td6_new_trace(void);
/* Ce fichier, ouvert en lecture (échec du test s'il est illisible). */
FILE *td6_open_trace(void);

/* ---- Cas communs aux programmes qui téléchargent (cas_communs.c) ------- */

/* Lance `prog` avec `args` (parmi eux l'URL `slow` d'un serveur qui ne
 * répond jamais, /xkcd/9005/...) et $TD6_TIMEOUT_MS=300 ; échec du test,
 * avec un message qui dit où poser le délai (`where` : « sur la poignée de
 * CHAQUE thread »...), si le programme reste bloqué ou ne signale pas
 * `slow` sur stderr. Renvoie le résultat (fini) pour la suite du test. */
td6_result td6_run_with_silent_server(const char *prog, const char *const *args,
                                      const char *slow, const char *where);

/* La dernière ligne `line` (NULL : il n'y en a pas) doit être « Downloaded
 * <count> in <s> seconds » (chapitres 01 et 02) ; échec du test sinon. */
void td6_check_downloaded(const char *line, size_t count);

/* Lance `prog` sans argument avec $TD6_SERVER sur un port où personne
 * n'écoute ; échec si le programme ne finit pas ou affiche une ligne
 * « Read » (`hint` : où regarder). Renvoie le résultat. */
td6_result td6_run_without_server(const char *prog, const char *hint);

/* ---- Réservé au harnais (principal.c) ---------------------------------- */

/* Nom du test en cours (posé par principal.c dans le processus du test). */
extern const char *td6_current_test;

/* Tue (SIGKILL) tous les descendants vivants du processus appelant et
 * ramasse ceux qui sont ses enfants ; renvoie combien il en a trouvé.
 * principal.c l'appelle après chaque test : rien ne survit à un test, même
 * si le processus du test a été tué par le délai de Check. */
int td6_sweep(void);

#endif
