package entity

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold reduces a name to a spelling-insensitive form, so that the
// transliterations news agencies disagree on ("Qaddafi", "Gadhafi",
// "Kadhafi"; "Khmeimim", "Hmeimim"; "Qassem", "Qasem"; "Soleimani",
// "Suleimani"; "Zelensky", "Zelenskyy") compare equal. It is deliberately
// coarser than spelling but keeps consonant skeletons and the vowels that
// separate real names ("Iran"/"Iraq", "Mali"/"Malawi", "Gaza"/"Giza" stay
// apart).
//
// The rules, applied to each word after lower-casing and removing
// diacritics, apostrophes and hyphens: y→i; kh→h, gh→g, dh→d, th→t, ph→f,
// ck→k, q→k, c→s before e/i and k elsewhere (ch kept); ou, oo→u; ae, ai,
// ei→ai; o→u; e→i inside a word; a word-initial g before a vowel→k;
// a final h after a vowel dropped; doubled letters made single.
func Fold(s string) string {
	var ob, wb [128]byte
	out, word := ob[:0], wb[:0]
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == 'ʻ' || r == 'ʼ' || r == '`' || r == '.':
			// dropped inside words: "Sana'a", "U.S."
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'),
			r >= 'A' && r <= 'Z', r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			word = appendFolded(word, r)
		default:
			if len(word) > 0 {
				if len(out) > 0 {
					out = append(out, ' ')
				}
				out = foldWord(out, word)
				word = word[:0]
			}
		}
	}
	if len(word) > 0 {
		if len(out) > 0 {
			out = append(out, ' ')
		}
		out = foldWord(out, word)
	}
	return string(out)
}

// appendFolded appends r lower-cased and without diacritics.
func appendFolded(b []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(b, byte(r))
	}
	if s, ok := diacritics[r]; ok {
		return append(b, s...)
	}
	r = unicode.ToLower(r)
	if s, ok := diacritics[r]; ok {
		return append(b, s...)
	}
	return utf8.AppendRune(b, r)
}

var diacritics = func() map[rune]string {
	m := map[rune]string{}
	groups := map[string]string{
		"a": "àáâãäåāăąǎạảấầẩẫậắằẳẵặ", "c": "çćĉċč", "d": "ďđḍ", "e": "èéêëēĕėęěẹẻẽếềểễệ",
		"g": "ĝğġģǧ", "h": "ĥħḥ", "i": "ìíîïĩīĭįıǐỉịʿ", "j": "ĵ", "k": "ķǩ", "l": "ĺļľŀł",
		"n": "ñńņňŉṇ", "o": "òóôõöøōŏőơǒọỏốồổỗộớờởỡợ", "r": "ŕŗř", "s": "śŝşšșṣ",
		"t": "ţťŧțṭ", "u": "ùúûüũūŭůűųưǔụủứừửữự", "w": "ŵ", "y": "ýÿŷỳỵỷỹ", "z": "źżžẓ",
		"ss": "ß", "ae": "æ", "oe": "œ", "th": "þ", "dh": "ð",
	}
	for base, chars := range groups {
		for _, r := range chars {
			m[r] = base
		}
	}
	delete(m, 'ʿ') // an ayn is a sound, not a letter "i": drop it instead
	m['ʿ'] = ""
	return m
}()

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// foldWord appends the folded form of one lower-case word.
func foldWord(out, w []byte) []byte {
	// Pass 1: y→i, then consonant digraphs.
	var buf1, buf2 [64]byte
	b := buf1[:0]
	for i := 0; i < len(w); i++ {
		c := w[i]
		var next byte
		if i+1 < len(w) {
			next = w[i+1]
			if next == 'y' {
				next = 'i'
			}
		}
		switch c {
		case 'y':
			b = append(b, 'i')
		case 'k':
			if next == 'h' {
				b = append(b, 'h')
				i++
			} else {
				b = append(b, 'k')
			}
		case 'g', 'd', 't':
			if next == 'h' {
				i++
			}
			b = append(b, c)
		case 'p':
			if next == 'h' {
				b = append(b, 'f')
				i++
			} else {
				b = append(b, 'p')
			}
		case 'q':
			b = append(b, 'k')
		case 'c':
			switch next {
			case 'h':
				b = append(b, 'c', 'h')
				i++
			case 'k':
				b = append(b, 'k')
				i++
			case 'e', 'i':
				b = append(b, 's')
			default:
				b = append(b, 'k')
			}
		default:
			b = append(b, c)
		}
	}
	// Pass 2: vowels.
	v := buf2[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		var next byte
		if i+1 < len(b) {
			next = b[i+1]
		}
		switch {
		case (c == 'o' && (next == 'u' || next == 'o')):
			v = append(v, 'u')
			i++
		case (c == 'a' && (next == 'e' || next == 'i')) || (c == 'e' && next == 'i'):
			v = append(v, 'a', 'i')
			i++
		case c == 'o':
			v = append(v, 'u')
		case c == 'e' && i > 0 && i < len(b)-1:
			v = append(v, 'i')
		default:
			v = append(v, c)
		}
	}
	// Word-initial g before a vowel is the Gulf "qaf": Gaddafi = Qaddafi.
	if len(v) > 1 && v[0] == 'g' && isVowel(v[1]) {
		v[0] = 'k'
	}
	// Final h after a vowel is silent: Raqqah = Raqqa.
	if n := len(v); n > 2 && v[n-1] == 'h' && isVowel(v[n-2]) {
		v = v[:n-1]
	}
	// Doubled letters single.
	start := len(out)
	for i, c := range v {
		if i > 0 && c == v[i-1] {
			continue
		}
		out = append(out, c)
	}
	if len(out) == start {
		out = append(out, w...)
	}
	return out
}

// KeyOf gives the cross-document key of a name of the given type, the same
// value Extract puts in Entity.Key, so callers can look up a name typed by
// a user or found elsewhere.
//
// Keys carry the type as a prefix ("person:asad", "place:jurdan") because
// the same word names different things of different kinds ("Jordan" the
// country, "Michael Jordan"); the cost is that an entity typed differently
// in two articles gets two keys, which callers can bridge with Similar on
// the names if they need to.
//
//   - person: the folded surname, Arabic articles and particles removed
//     ("Bashar al-Assad", "Bashar Assad", "Assad" → "person:asad"); East
//     Asian surnames that come first are used as such ("Xi Jinping" →
//     "person:xi").
//   - place: the folded canonical gazetteer name ("U.S.", "America" →
//     "place:unitid statis").
//   - org: the folded canonical name for known organisations and acronyms
//     (U.N. = United Nations), else the folded content words in sorted order
//     ("Ministry of Defence" = "Defense Ministry").
//   - other: the folded name; nationalities key on their country
//     ("Syrians", "Syrian" → "other:siria").
func KeyOf(name string, t Type) string {
	switch t {
	case Person:
		return string(Person) + ":" + Fold(surname(strings.Fields(name)))
	case Place:
		lx := lex()
		if p, ok := lx.place(stripThe(name)); ok {
			return string(Place) + ":" + Fold(p.canon)
		}
		return string(Place) + ":" + Fold(stripArticle(name))
	case Org:
		return string(Org) + ":" + orgKey(name)
	default:
		lx := lex()
		if c, ok := lx.demonyms[lowerKey(name)]; ok {
			return string(Other) + ":" + Fold(c)
		}
		return string(t) + ":" + Fold(name)
	}
}

func stripThe(s string) string {
	if len(s) > 4 && (strings.HasPrefix(s, "The ") || strings.HasPrefix(s, "the ")) {
		return s[4:]
	}
	return s
}

// stripArticle drops a leading Arabic article from a name: "Al-Qaeda",
// "al Qaeda" → "Qaeda".
func stripArticle(s string) string {
	s = stripThe(s)
	if len(s) < 3 || !strings.ContainsAny(s[:min(len(s), 5)], "- ") {
		return s
	}
	for _, p := range hyphenPrefixes {
		if len(s) > len(p)+1 && strings.EqualFold(s[:len(p)], p) {
			return s[len(p):]
		}
	}
	if i := strings.IndexByte(s, ' '); i > 0 && i < len(s)-1 {
		if w := strings.ToLower(s[:i]); w == "al" || w == "el" {
			return s[i+1:]
		}
	}
	return s
}

// orgStop are words left out of organisation keys so word order and
// connectives do not matter.
var orgStop = toSet(`the of for and on in & de du la le`)

func orgKey(name string) string {
	lx := lex()
	if c, ok := lx.orgs[lowerKey(name)]; ok {
		return Fold(c)
	}
	if c, ok := lx.orgs[lowerKey(stripThe(name))]; ok {
		return Fold(c)
	}
	if c, ok := lx.orgs[strings.ReplaceAll(lowerKey(name), ".", "")]; ok {
		return Fold(c)
	}
	words := strings.Fields(stripArticle(name))
	if len(words) <= 1 {
		return Fold(strings.Join(words, ""))
	}
	kept := words[:0]
	for _, w := range words {
		if !orgStop[strings.ToLower(w)] {
			kept = append(kept, Fold(w))
		}
	}
	sortStrings(kept)
	return strings.Join(kept, " ")
}

func sortStrings(a []string) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// surname picks the word of a person's name that news uses on its own
// ("Putin", "Assad", "Xi"), without articles, particles or suffixes.
func surname(words []string) string {
	if len(words) == 0 {
		return ""
	}
	if len(words) > 1 && eastAsianSurnames[strings.ToLower(words[0])] && !lex().has(strings.ToLower(words[1]), fFirst) {
		return words[0]
	}
	for i := len(words) - 1; i >= 0; i-- {
		w := strings.ToLower(words[i])
		if nameSuffixes[w] || (particles[w] && i > 0) {
			continue
		}
		if isInitial(words[i]) && i > 0 {
			continue
		}
		return stripArticle(words[i])
	}
	return stripArticle(words[len(words)-1])
}

// isInitial reports whether w is an initial like "J." or "W.".
func isInitial(w string) bool {
	return len(w) == 2 && w[1] == '.' && w[0] >= 'A' && w[0] <= 'Z'
}

// Similar scores how alike two names are once folded, from 0 to 1
// (Jaro-Winkler), for callers that want to join entities whose keys differ
// by more than transliteration, such as "Hezbollah" and "Hizballah". Keys
// should be tried first: Similar is slower and has no notion of type.
func Similar(a, b string) float64 {
	return jaroWinkler(Fold(a), Fold(b))
}

func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	window := max(la, lb)/2 - 1
	if window < 0 {
		window = 0
	}
	ma := make([]bool, la)
	mb := make([]bool, lb)
	matches := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb-1, i+window)
		for j := lo; j <= hi; j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < la; i++ {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	m := float64(matches)
	jaro := (m/float64(la) + m/float64(lb) + (m-float64(t)/2)/m) / 3
	prefix := 0
	for prefix < min(4, la, lb) && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}
