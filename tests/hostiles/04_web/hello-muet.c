/*
 * Copie hostile : un serveur web qui ne répond jamais. Il affiche bien son
 * URL, accepte les connexions, puis n'envoie rien, ne se termine pas et
 * ignore SIGTERM. Chaque requête du test doit échouer à son délai (puis,
 * en récidive, au bout de 2 s), avec un message en français, et td6_kill
 * doit en venir à bout (SIGKILL).
 * Le programme lui-même est la copie générique tests/hostiles/commun/muet.c.
 * @echoue hello_une_image
 * @echoue hello_cinq_en_serie
 * @message pas de réponse
 */
#include "../commun/muet.c"
