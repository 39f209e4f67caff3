/*
 * texte.h — rendre présentable un texte venu d'un programme d'étudiant.
 *
 * Un message d'échec cite souvent ce que le programme a écrit : il peut
 * contenir n'importe quels octets (des couleurs ANSI, un caractère UTF-8
 * coupé par une troncature, un octet nul...). JSON exige de l'UTF-8 valide
 * (jansson refuse le reste, et le test disparaîtrait du rapport) ; XML
 * interdit la plupart des caractères de contrôle. td6_clean_text rend donc
 * une copie :
 *   - en UTF-8 valide (un octet invalide devient « � ») ;
 *   - sans séquence d'échappement ANSI (ESC [ ... lettre) ni caractère de
 *     contrôle, sauf la fin de ligne et la tabulation ;
 *   - d'au plus max octets, coupée entre deux caractères, « … » ajouté.
 * Partagé par principal.c (les suites) et bilan.c (les rapports) : une
 * seule règle pour les deux.
 */
#ifndef TD6_TEXTE_H
#define TD6_TEXTE_H

#include <stdlib.h>
#include <string.h>

/* Longueur de la séquence UTF-8 valide qui commence en s (0 si invalide). */
static inline size_t td6_utf8_len(const unsigned char *s)
{
    size_t n, i;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        n = 2, cp = s[0] & 0x1F;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        n = 3, cp = s[0] & 0x0F;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        n = 4, cp = s[0] & 0x07;
    else
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    /* Formes trop longues, moitiés de paires UTF-16, au-delà de U+10FFFF. */
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Copie nettoyée de s (voir plus haut), à libérer avec free ; NULL si s
 * est NULL ou si la mémoire manque. */
static inline char *td6_clean_text(const char *text, size_t max)
{
    const unsigned char *s = (const unsigned char *)text;
    static const char ellipsis[] = "…", bad[] = "\xEF\xBF\xBD";
    size_t len, out = 0;
    char *r;

    if (text == NULL)
        return NULL;
    len = strlen(text);
    r = malloc(len * 3 + sizeof ellipsis + 1);
    if (r == NULL)
        return NULL;
    while (*s != '\0') {
        size_t n = td6_utf8_len(s);
        const char *piece = (const char *)s;
        size_t plen = n;

        if (s[0] == 0x1B) {
            /* ESC [ paramètres lettre : une couleur, un effacement... */
            s++;
            if (*s == '[') {
                s++;
                while (*s != '\0' && !(*s >= 0x40 && *s <= 0x7E))
                    s++;
                if (*s != '\0')
                    s++;
            }
            continue;
        }
        if (n == 0) {
            piece = bad, plen = 3, n = 1;
        } else if (n == 1 && ((s[0] < 0x20 && s[0] != '\n' && s[0] != '\t') || s[0] == 0x7F)) {
            s++;
            continue;
        } else if (n == 2 && s[0] == 0xC2 && s[1] < 0xA0) {
            s += 2; /* contrôles C1 (U+0080 à U+009F), interdits en XML 1.0 */
            continue;
        }
        if (out + plen > max) {
            memcpy(r + out, ellipsis, sizeof ellipsis - 1);
            out += sizeof ellipsis - 1;
            break;
        }
        memcpy(r + out, piece, plen);
        out += plen;
        s += n;
    }
    r[out] = '\0';
    return r;
}

#endif
