/*
 * signaux.h — SIGPIPE, et arrêter proprement un serveur à plusieurs threads.
 */
#ifndef TD6_SIGNAUX_H
#define TD6_SIGNAUX_H

#include <signal.h>

/* Ignore SIGPIPE : écrire sur une connexion que l'autre bout a fermée rend
 * alors une erreur (EPIPE), un simple échec de la tâche, au lieu de tuer le
 * programme. Tout programme qui donne CURLOPT_NOSIGNAL à libcurl l'appelle
 * une fois dans main, avant le premier thread : avec cette option, libcurl
 * ne l'ignore plus lui-même. */
void td6_ignore_sigpipe(void);

/* Ignore SIGPIPE (écrire à un client parti ne tue pas le serveur), bloque
 * SIGINT et SIGTERM et renvoie cet ensemble. À appeler AVANT la création
 * du moindre thread (les threads héritent du masque) ; main les attend
 * ensuite avec sigwait. Aucun code ne tourne donc dans un gestionnaire de
 * signal, où presque rien n'est permis. */
sigset_t td6_block_stop_signals(void);

#endif
