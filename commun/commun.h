/*
 * commun.h — la petite boîte à outils partagée par tous les programmes du TD.
 *
 * Ce qu'on y trouve, et seulement ça :
 *   - une horloge monotone (td6_now) pour mesurer des durées ;
 *   - des « enveloppes vérifiées » (Malloc, Pthread_create, Fork, ...) : elles
 *     appellent la vraie fonction, regardent son résultat et, en cas d'échec,
 *     affichent un message en français puis quittent avec le code 1.
 *     (Comme le common_threads.h d'OSTEP, mais sans assert : un assert
 *     disparaît avec -DNDEBUG, et l'appel qu'il contient disparaîtrait avec.)
 *   - la liste d'URL par défaut du cours, construite à partir de $TD6_SERVER ;
 *   - la lecture d'un entier positif en argument ;
 *   - l'écriture d'un entier 128 bits en décimal (printf ne sait pas le faire) ;
 *   - la trace d'exécution (TD6_TRACE=fichier), lue par `make images`.
 *
 * Les appels à libcurl, eux, restent dans chaque programme : ce sont eux la
 * leçon.
 */
#ifndef TD6_COMMUN_H
#define TD6_COMMUN_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>
#include <unistd.h>

/* Adresse du serveur local qui remplace Internet pendant le TD. */
#define TD6_DEFAULT_SERVER "http://127.0.0.1:8606"

/* Le cours télécharge ces deux pages, 80 fois chacune. */
#define TD6_DEFAULT_REPEAT 80

/* ---- Temps -------------------------------------------------------------- */

/* Secondes écoulées sur l'horloge monotone (jamais remise à l'heure, donc
 * sûre pour mesurer une durée, contrairement à l'heure murale). */
double td6_now(void);

/* ---- Enveloppes vérifiées ---------------------------------------------- */

void td6_die(const char *file, int line, const char *what, int err);

void *td6_malloc(size_t size, const char *file, int line);
void *td6_calloc(size_t n, size_t size, const char *file, int line);
char *td6_strdup(const char *s, const char *file, int line);
void td6_check_pthread(int rc, const char *what, const char *file, int line);
void td6_check_sys(int rc, const char *what, const char *file, int line);
pid_t td6_fork(const char *file, int line);

#define Malloc(size) td6_malloc((size), __FILE__, __LINE__)
#define Calloc(n, size) td6_calloc((n), (size), __FILE__, __LINE__)
#define Strdup(s) td6_strdup((s), __FILE__, __LINE__)

/* Les fonctions pthread renvoient le code d'erreur (elles ne touchent pas
 * errno) : on le vérifie tel quel. TD6_PTHREAD(join, t, ret) appelle
 * pthread_join(t, ret) et, en cas d'échec, nomme « pthread_join ». */
#define TD6_PTHREAD(name, ...) \
    td6_check_pthread(pthread_##name(__VA_ARGS__), "pthread_" #name, __FILE__, __LINE__)
#define Pthread_create(t, attr, fn, arg) TD6_PTHREAD(create, (t), (attr), (fn), (arg))
#define Pthread_join(t, ret) TD6_PTHREAD(join, (t), (ret))
#define Pthread_mutex_lock(m) TD6_PTHREAD(mutex_lock, m)
#define Pthread_mutex_unlock(m) TD6_PTHREAD(mutex_unlock, m)
#define Pthread_cond_wait(c, m) TD6_PTHREAD(cond_wait, (c), (m))
#define Pthread_cond_signal(c) TD6_PTHREAD(cond_signal, c)
#define Pthread_cond_broadcast(c) TD6_PTHREAD(cond_broadcast, c)
#define Pthread_key_create(k, d) TD6_PTHREAD(key_create, (k), (d))
#define Pthread_setspecific(k, v) TD6_PTHREAD(setspecific, (k), (v))

/* Les appels système renvoient -1 et rangent la cause dans errno. */
#define Pipe(fds) td6_check_sys(pipe(fds), "pipe", __FILE__, __LINE__)
#define Close(fd) td6_check_sys(close(fd), "close", __FILE__, __LINE__)
#define Fork() td6_fork(__FILE__, __LINE__)

/* ---- Liste d'URL -------------------------------------------------------- */

typedef struct {
    char **urls;  /* tableau de `count` chaînes allouées */
    size_t count;
} url_list;

/* $TD6_SERVER, ou TD6_DEFAULT_SERVER s'il n'est pas défini. */
const char *td6_server(void);

/* Les URL données en arguments (argv[first..argc-1]) ou, s'il n'y en a
 * aucune, la liste du cours : /jython puis /dice, répétés 80 fois. */
url_list td6_sites(int argc, char **argv, int first);
void td6_sites_free(url_list *list);

/* Ce que fait td6_sites sans URL, pour l'aide (--help) des programmes qui
 * l'appellent : une ligne, à mettre bout à bout avec les autres. */
#define TD6_SITES_HELP "Sans URL : les 160 pages du cours, depuis $TD6_SERVER.\n"

/* ---- Téléchargements ------------------------------------------------- */

/* Délai maximal d'un téléchargement, en millisecondes : $TD6_TIMEOUT_MS, ou
 * 10 000 (10 s). Sans délai, un serveur muet bloquerait le programme pour
 * toujours. */
long td6_timeout_ms(void);

/* Explication en français d'un code d'erreur de libcurl (un CURLcode),
 * suivie du texte anglais de libcurl entre parenthèses. */
const char *td6_curl_error(int code);

/* ---- Arguments ---------------------------------------------------------- */

/* Lit un entier de 1 à max dans `text` ; sinon affiche
 * « <prog> : <what> attend un entier entre 1 et max, pas « text » » et quitte
 * avec le code 2 (erreur d'utilisation). */
long td6_parse_count(const char *prog, const char *what, const char *text, long max);

/* ---- Entiers 128 bits --------------------------------------------------- */

/* Écrit `value` en décimal dans buf (40 octets suffisent : 2^128 a 39
 * chiffres) et renvoie buf. */
#define TD6_U128_LEN 40
char *td6_u128_to_string(unsigned __int128 value, char buf[TD6_U128_LEN]);

/* ---- Trace d'exécution ------------------------------------------------- */

/* Si la variable TD6_TRACE nomme un fichier, ajoute-y une ligne
 *     <pid> <tid> <etat> <debut> <fin> <tache>
 * (debut et fin en secondes de td6_now(), etat = "attente" ou "calcul").
 * Une seule écriture par ligne, en mode O_APPEND : les lignes de plusieurs
 * threads ou de plusieurs processus ne se mélangent pas. Sans TD6_TRACE,
 * ne fait rien. */
void td6_trace(const char *state, const char *task, double start, double end);

#endif
