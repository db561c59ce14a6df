package synth

import (
	"strings"
	"sync"
)

// Vocabulary shape. Word frequencies follow Zipf–Mandelbrot,
// (rank+zipfQ)^-zipfS: the exponent near 1.1 is what English news corpora
// show, and the offset keeps "the" near its real 5% of running words
// instead of the 14% a pure power law over 50,000 ranks would give it.
const (
	vocabSize = 50000
	zipfS     = 1.1
	zipfQ     = 2.7
	// lexiconSeed fixes the language: every stream speaks the same one,
	// whatever its Seed, as real outlets do.
	lexiconSeed = 0x5747e1ea
)

// Ranks of the vocabulary from which topics and events draw their words.
// Event words are rarer than topic words, as the names of what happened in
// one event are rarer than the vocabulary of a long-running subject.
const (
	topicWordLo = 300
	topicWordHi = 20000
	eventWordLo = 1500
)

// functionWords are real English words, most frequent first, that take the
// top ranks of the vocabulary: stop-word removal must find them, as it does
// in real text, where they are about half of all running words.
var functionWords = strings.Fields(`the of to and a in that is for on was with he it as at by said his from be
have has are an but not they were this who had which been their will after also would or more there about we
she when up one her than new i over into all out two if last other them some can could what first no our so
because before against him while since only under now during told just where how any those most these then
three should such may between being did you very even still both through off us do back each own well much
made down until including according however where whose our its whether among across around amid without
within upon toward those here too again further once nor either neither yet few several every another`)

// newsWords are real content words common in news, spread over the upper
// ranks so that the head of the distribution is not all function words.
var newsWords = strings.Fields(`government people police officials country year years week city state public
national percent million billion report market election court military security economy company group forces
region capital border attack support plan deal talks crisis law vote people local world international health
minister president spokesman party leaders government workers families children school hospital water power
prices business money budget policy campaign protest officers troops fighting killed injured arrested charged
investigation statement meeting agreement decision members residents community program service services
system data million thousands hundreds months days morning night area areas home house officials official
team season game players fans record record month weekend officials rights trade oil gas energy tax taxes
funding federal foreign domestic energy climate weather storm flood fire rescue victims damage emergency`)

// Calendar words, written into the text by dates and needed by name checks.
var (
	weekdays = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	months   = [12]string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
)

// A role is how a person is introduced. Titles ("President") stand before
// the name and may return with the surname alone ("President Varen");
// lower-case cues ("spokesman") only introduce the full name, as in news
// copy. An empty role is a plain name.
type role struct {
	text  string
	title bool
}

var roles = []role{
	{"", false}, {"", false}, {"", false}, {"", false},
	{"President", true}, {"Prime Minister", true}, {"Foreign Minister", true}, {"Finance Minister", true},
	{"Defence Minister", true}, {"Interior Minister", true}, {"Senator", true}, {"Governor", true},
	{"Mayor", true}, {"General", true}, {"Judge", true}, {"Ambassador", true}, {"Chancellor", true},
	{"Police Chief", true}, {"Dr.", true},
	{"spokesman", false}, {"spokeswoman", false}, {"opposition leader", false}, {"lawyer", false},
	{"chief executive", false}, {"analyst", false}, {"union leader", false}, {"prosecutor", false},
	{"coach", false}, {"economist", false},
}

// Organisation shapes: "<Name> <Head>", "Ministry of <Area>", "National
// <Name> <Head>".
var (
	orgHeads = strings.Fields(`Party Bank Group Corporation Council Front Union Institute Authority Agency
Airlines Holdings Movement Alliance Federation Commission Foundation Industries Motors Systems League Club`)
	ministryAreas = strings.Fields(`Defence Finance Health Interior Energy Justice Education Transport Agriculture
Trade Labour Culture Environment Foreign Affairs`)
	placeEnds  = []string{"ia", "stan", "burg", "ville", "polis", "ton", "grad", "ora", "mar", "heim", "ford", "abad", "esh", "ara", "ino"}
	placeLeads = []string{"Port", "Lake", "North", "South", "East", "West", "New", "Fort", "Mount"}
	placeHeads = []string{"Province", "Valley", "Heights", "Bay", "District", "Coast"}
)

// Place cues, words after which news names places.
var placeCues = []string{"in", "in", "in", "near", "from", "outside", "across", "around"}

// An outlet is a news source. Some put their headlines in Title Case,
// others in sentence case, as real outlets do.
type outlet struct {
	name, domain string
	titleCase    bool
}

var outletNames = []string{
	"Meridian Wire", "Continental Press", "The Daily Ledger", "Northgate Herald", "Harbor City Tribune",
	"The Morning Sentinel", "Eastbrook Gazette", "World Report Network", "The Capital Chronicle",
	"Riverside Post", "Atlas News Agency", "The Weekly Observer", "Pacific Rim Times", "Summit Daily News",
	"The Independent Voice", "Crossroads Journal", "Lakeside Dispatch", "The Evening Star", "Metro Bulletin",
	"Frontier Radio News", "The National Record", "Beacon Online", "Granite State Monitor",
	"Union Square Review", "The Southern Courier", "Highland Examiner", "Channel Nine News",
	"Coastal Broadcasting", "The Civic Register", "Open Line Media", "The Valley Times", "Compass Newswire",
	"Iron Bridge Press", "The Public Ledger", "Bayview Daily", "Prairie Telegraph",
	"The Market Street Journal", "Central Newsroom", "Horizon Television", "The Citizen Reporter",
	"Westfield Tribune", "Silver Lake Herald", "The Northern Star", "Keystone Wire", "The Harbour Mail",
	"Redwood Post", "The Inland Examiner", "Daybreak News", "Old Town Gazette", "The Overseas Digest",
}

// Syllables of the synthetic language: onsets, vowels, codas. Repeats
// weight the common ones.
var (
	onsets = strings.Fields(`b c d f g h j k l m n p r s t v w z b d g k l m n p r s t v
br cr dr fr gr pr tr bl cl fl gl pl sl st sp sk sh ch th ph qu sc sm sn sw tw wh`)
	vowels = strings.Fields(`a e i o u a e i o u a e i o a e i o a e ai ea ee oo ou ia io y`)
	codas  = strings.Fields(`n r l s t m nd nt st rk ck sh th ng ld rt x p d g n r l s t`)
	// Endings that make a name look like a given name or a surname.
	firstEnds = []string{"a", "o", "el", "an", "ia", "en", "is", "in", "ar", "ette", "ina", "us"}
	lastEnds  = []string{"ov", "ez", "son", "ski", "ani", "ell", "ing", "er", "ard", "ic", "oni", "ley", "aro", "idis"}
)

// Pool sizes of the name kinds.
const (
	nFirst  = 1500
	nLast   = 8000
	nPlaces = 5000
	nOrgs   = 3000
)

// A lexicon is the fixed language of every stream: words by frequency rank
// and pools of names. Built once, shared read-only.
type lexicon struct {
	words     []string // by rank
	synthetic []bool   // whether a rank is a made-up word (it may be inflected)
	// packed holds the words again, concatenated with 16 bytes of slack
	// at the end, and entry[w] is offset<<8 | synthetic<<7 | length, so
	// that the hot loop copies a word as one 16-byte move from a compact
	// table instead of calling memmove through a string header.
	packed    []byte
	entry     []uint32
	zipf      alias // background word frequencies
	firsts    []string
	lasts     []string
	places    []string
	orgs      []string // without "the"
	orgThe    []bool   // whether the name takes "the" in running text
	outlets   []outlet
	outletPop alias // wires publish more than local papers
}

var lex = sync.OnceValue(buildLexicon)

func buildLexicon() *lexicon {
	r := newRNG(lexiconSeed, 1)
	used := map[string]bool{}
	reserve := func(ws ...string) {
		for _, w := range ws {
			for _, f := range strings.Fields(strings.ToLower(w)) {
				used[strings.Trim(f, ".")] = true
			}
		}
	}
	reserve(functionWords...)
	reserve(newsWords...)
	reserve(weekdays[:]...)
	reserve(months[:]...)
	reserve(orgHeads...)
	reserve(ministryAreas...)
	reserve(placeLeads...)
	reserve(placeHeads...)
	reserve(placeCues...)
	for _, rl := range roles {
		reserve(rl.text)
	}
	reserve("by", "reporting", "editing", "additional", "ministry", "national", "yesterday", "today",
		"late", "early", "percent", "million", "said", "says", "mr", "ms", "mrs", "update")

	lx := &lexicon{}
	// Ranks: function words first, then real news words interleaved with
	// synthetic ones, then synthetic words only.
	lx.words = make([]string, 0, vocabSize)
	lx.synthetic = make([]bool, 0, vocabSize)
	seen := map[string]bool{}
	for _, w := range functionWords {
		if !seen[w] {
			seen[w] = true
			lx.words = append(lx.words, w)
			lx.synthetic = append(lx.synthetic, false)
		}
	}
	news := newsWords
	for len(lx.words) < vocabSize {
		if len(news) > 0 && len(lx.words)%4 == 0 {
			w := news[0]
			news = news[1:]
			if !seen[w] {
				seen[w] = true
				lx.words = append(lx.words, w)
				lx.synthetic = append(lx.synthetic, false)
			}
			continue
		}
		// Frequent words are short: one or two syllables near the top, up
		// to four in the tail.
		rank := len(lx.words)
		var syl int
		switch {
		case rank < 1500:
			syl = 1 + r.intn(2)
		case rank < 12000:
			syl = 2 + r.intn(2)
		default:
			syl = 2 + r.intn(3)
		}
		w := word(&r, syl)
		if used[w] || len(w) < 3 || len(w) > 14 {
			continue
		}
		used[w] = true
		lx.words = append(lx.words, w)
		lx.synthetic = append(lx.synthetic, true)
	}
	lx.zipf = newAlias(zipfWeights(vocabSize, zipfS, zipfQ))
	for i, w := range lx.words {
		if len(w) >= 16 {
			panic("synth: word longer than the 16-byte copy: " + w)
		}
		e := uint32(len(lx.packed))<<8 | uint32(len(w))
		if lx.synthetic[i] {
			e |= 1 << 7
		}
		lx.entry = append(lx.entry, e)
		lx.packed = append(lx.packed, w...)
	}
	lx.packed = append(lx.packed, make([]byte, 16)...)

	name := func(syl int, ends []string) string {
		for {
			w := word(&r, syl)
			if r.intn(3) > 0 {
				// A vowel ending replaces the word's final vowels: "Kalor" +
				// "ia", not "Kaloaia".
				end := ends[r.intn(len(ends))]
				if strings.ContainsRune("aeiouy", rune(end[0])) {
					w = strings.TrimRight(w, "aeiouy")
				}
				if len(w) < 2 || !strings.ContainsAny(w, "aeiouy") {
					continue
				}
				w += end
			}
			if len(w) < 4 || len(w) > 13 || used[w] {
				continue
			}
			used[w] = true
			return capital(w)
		}
	}
	for range nFirst {
		lx.firsts = append(lx.firsts, name(1+r.intn(2), firstEnds))
	}
	for range nLast {
		lx.lasts = append(lx.lasts, name(2+r.intn(2), lastEnds))
	}
	for range nPlaces {
		p := name(1+r.intn(2), placeEnds)
		switch r.intn(10) {
		case 0:
			p = placeLeads[r.intn(len(placeLeads))] + " " + p
		case 1:
			p += " " + placeHeads[r.intn(len(placeHeads))]
		}
		lx.places = append(lx.places, p)
	}
	for range nOrgs {
		var o string
		the := true
		switch k := r.intn(10); {
		case k < 5:
			o = name(2, lastEnds) + " " + orgHeads[r.intn(len(orgHeads))]
			the = r.intn(2) == 0
		case k < 7:
			o = "Ministry of " + ministryAreas[r.intn(len(ministryAreas))]
			if r.intn(4) > 0 {
				// Many countries have one: tell them apart by the place.
				o = name(2, placeEnds) + " " + o
			}
		default:
			o = "National " + name(2, lastEnds) + " " + orgHeads[r.intn(len(orgHeads))]
		}
		lx.orgs = append(lx.orgs, o)
		lx.orgThe = append(lx.orgThe, the)
	}
	for i, n := range outletNames {
		d := strings.ToLower(strings.TrimPrefix(n, "The "))
		d = strings.ReplaceAll(d, " ", "") + ".example"
		lx.outlets = append(lx.outlets, outlet{name: n, domain: d, titleCase: i%3 != 2})
	}
	lx.outletPop = newAlias(zipfWeights(len(outletNames), 0.8, 1))
	return lx
}

// word builds a pronounceable lower-case word of syl syllables.
func word(r *rng, syl int) string {
	var b []byte
	for i := range syl {
		if i > 0 || r.intn(7) > 0 {
			b = append(b, onsets[r.intn(len(onsets))]...)
		}
		b = append(b, vowels[r.intn(len(vowels))]...)
		if (i == syl-1 && r.intn(2) == 0) || r.intn(6) == 0 {
			b = append(b, codas[r.intn(len(codas))]...)
		}
	}
	return string(b)
}

func capital(w string) string {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return w
	}
	return string(w[0]-'a'+'A') + w[1:]
}
