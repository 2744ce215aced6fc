/* everyday.c - the everyday Danish words (see everyday.h). */
#include "everyday.h"

#include <stdlib.h>
#include <string.h>

/* Sorted by bytes (æ ø å after z), for bsearch. */
static const char *const words[] = {
	"a", "ad", "af", "al", "alle", "allerede", "alt", "altså", "anden", "andet",
	"andre", "at", "bade", "bare", "bl", "blandt", "blev", "bliv", "blive", "bliver",
	"både", "ca", "da", "de", "dem", "den", "denn", "denne", "dens", "der", "deres",
	"det", "dets", "dett", "dette", "di", "dig", "din", "dis", "disse", "dog", "du",
	"dvs", "efter", "eller", "en", "end", "ens", "er", "et", "etc", "evt", "fa", "far",
	"fik", "for", "fordi", "fra", "fx", "få", "får", "gang", "godt", "gå", "går",
	"gør", "gøre", "ha", "had", "ham", "han", "hans", "har", "hav", "havde", "have",
	"helt", "hen", "hende", "hendes", "her", "hinanden", "hos", "hun", "hvad", "hvem",
	"hver", "hvert", "hvilke", "hvilket", "hvis", "hvor", "hvordan", "hvorfor", "i",
	"ifm", "ift", "igen", "iht", "ikk", "ikke", "ind", "inden", "ingen", "intet",
	"især", "ja", "jeg", "jer", "jeres", "jf", "jo", "kan", "kommer", "kun", "kunn",
	"kunne", "lidt", "lige", "man", "mang", "mange", "med", "meg", "meget", "mellem",
	"men", "mere", "mest", "mht", "mig", "min", "mine", "mit", "mm", "mod", "mv",
	"nar", "ned", "nej", "nog", "nogen", "noget", "nogl", "nogle", "nok", "nu", "når",
	"ofte", "og", "ogsa", "også", "om", "op", "os", "osv", "over", "pa", "pga", "på",
	"rigtig", "sa", "sadan", "sagt", "sam", "samt", "se", "selv", "sig", "sige",
	"siger", "sin", "sine", "sit", "skal", "sker", "skull", "skulle", "som", "stadig",
	"så", "sådan", "sådanne", "the", "thi", "til", "tit", "ud", "uden", "under",
	"vaere", "var", "ved", "vedr", "vi", "via", "vil", "vill", "ville", "vor", "vores",
	"vær", "være", "været"
};

struct key {
	const char *w;
	size_t n;
};

static int cmp(const void *k, const void *e)
{
	const struct key *x = k;
	const char *y = *(const char *const *)e;
	size_t l = strlen(y);
	int c = memcmp(x->w, y, x->n < l ? x->n : l);

	return c ? c : x->n < l ? -1 : x->n > l;
}

int everyday_word(const char *w, size_t n)
{
	struct key k = { w, n };

	return bsearch(&k, words, sizeof words / sizeof *words, sizeof *words, cmp) != NULL;
}
