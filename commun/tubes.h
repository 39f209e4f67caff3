/*
 * tubes.h — lire et écrire un message entier dans un tube.
 *
 * read et write peuvent s'arrêter en route : un appel rend parfois moins
 * d'octets que demandé (un tube plein, un signal). Ces deux fonctions
 * recommencent jusqu'au bout, pour qu'un message de taille fixe arrive
 * toujours entier.
 */
#ifndef TD6_TUBES_H
#define TD6_TUBES_H

#include <stddef.h>

/* Lit exactement `size` octets. Renvoie 1 si tout est lu, 0 si le tube
 * est fermé de l'autre côté avant le premier octet (fin normale), -1 en
 * cas d'erreur ou de message coupé. */
int read_full(int fd, void *buf, size_t size);

/* Écrit exactement `size` octets. Renvoie 0, ou -1 si le lecteur est parti
 * (EPIPE) ou en cas d'erreur. */
int write_full(int fd, const void *buf, size_t size);

/* Ferme les deux bouts d'un tube, s'ils sont ouverts (-1 : pas ouvert), et
 * les remet à -1. Garde errno : on peut encore dire pourquoi on ferme. */
void close_pipe(int fds[2]);

#endif
