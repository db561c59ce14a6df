package analyze

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Noise says why a paragraph is not part of the article's prose.
type Noise string

// The kinds of noise removed before analysis. Each is recognised by the
// paragraph's form, never by the outlet or the story.
const (
	Prose       Noise = ""
	Caption     Noise = "caption"     // a photo caption, usually ending in a credit
	Credit      Noise = "credit"      // a photo or image credit on its own
	Tags        Noise = "tags"        // a keyword/tag line: "russia, putin, syria"
	Contributed Noise = "contributed" // "The Associated Press contributed to this report."
	Byline      Noise = "byline"      // "By Jane Doe, Reuters"
	Heading     Noise = "heading"     // a subheading or kicker without sentence punctuation
	Promo       Noise = "promo"       // "Click here", "Sign up", "Read more", copyright
	Dateline    Noise = "dateline"    // "WASHINGTON (Reuters) -", "Page last updated at 15:47 GMT"
	Notice      Noise = "notice"      // "PLEASE NOTE: We are unable to offer transcripts…"
)

var (
	captionStart  = regexp.MustCompile(`(?i)^(caption|photo|image|file photo|pictured|above|top|left|right|video)\b\s*[:\-–—]?`)
	creditPattern = regexp.MustCompile(`(?i)(\bcredit\s*:|\bphoto\s*(by|credit)\b|\((ap|afp|reuters|getty)[^)]*\)|\b(ap|afp|epa|reuters)\s*photo\b|getty images|\bvia ap\)|/\s*(afp|getty|reuters|ap)\b|\bpool photo\b|\bphotograph:)`)
	contributedRe = regexp.MustCompile(`(?i)\b(contributed|contributing) (to )?(this|the) (report|story|article)\b|\bcontributed reporting\b|^\s*\(?(reporting|writing|editing|additional reporting) by\b`)
	bylineRe      = regexp.MustCompile(`^(?i:by)\s+\p{Lu}[\p{L}.'’\-]+(\s+\p{Lu}[\p{L}.'’\-]+){0,3}\s*(,.*)?$`)
	tagLabelRe    = regexp.MustCompile(`^(?i:tags|tagged|topics|keywords|filed under|categories)\s*:\s*`)
	// photoDateRe is how a wire photo caption ends: a place, then the
	// day the photo was taken, "... in Taipei May 22, 2009." Prose puts a
	// preposition or a weekday before such a date.
	photoDateRe = regexp.MustCompile(`\p{Lu}[\p{L}.'’\-]+,? (?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.) \d{1,2}, \d{4}\.$`)
	promoRe     = regexp.MustCompile(`(?i)^(click here|sign up|subscribe|read more|follow (us|him|her)|share this|advertisement|related:|recommended|copyright|©|all rights reserved|this material may not be published)`)
)

// maxNotice bounds the paragraphs tested for notices, which are short: the
// test is an unanchored pattern, too dear for every paragraph.
const maxNotice = 400

// classify says whether a paragraph is prose or which kind of noise it is.
func classify(p string) Noise {
	p = strings.TrimSpace(p)
	if p == "" {
		return Heading
	}
	// Cheap substring tests go first: the unanchored patterns cost more
	// than the rest of analysis when run on every paragraph.
	mayContribute, mayCredit := noiseHints(p)
	switch {
	case mayContribute && contributedRe.MatchString(p):
		return Contributed
	case promoRe.MatchString(p):
		return Promo
	case len(p) < maxNotice && isNotice(p):
		return Notice
	case stampPrefix(p) == len(p):
		return Dateline
	case mayCredit && captionStart.MatchString(p) && creditPattern.MatchString(p):
		return Caption
	case isTagLine(p):
		return Tags
	case utf8.RuneCountInString(p) < 120 && bylineRe.MatchString(p) && isNameWord(secondWord(p)):
		return Byline
	case endsWithCredit(p) || endsWithPhotoDate(p):
		return Caption
	case mayCredit && utf8.RuneCountInString(p) < 80 && creditPattern.MatchString(p):
		return Credit
	case !endsLikeSentence(p) && utf8.RuneCountInString(p) < 200:
		return Heading
	case isShouting(p):
		return Heading
	}
	return Prose
}

// secondWord returns the second word of p.
func secondWord(p string) string {
	f := strings.Fields(p)
	if len(f) < 2 {
		return ""
	}
	return f[1]
}

// noiseHints reports whether the lower case of p (as strings.ToLower has
// it) contains any of contributionHints, which a contribution line needs,
// and any of creditHints, one of which a credit needs. One pass of an
// automaton replaces fourteen substring searches of a lower-cased copy.
func noiseHints(p string) (mayContribute, mayCredit bool) {
	for i := 0; i < len(p); i++ {
		if p[i] >= utf8.RuneSelf {
			var buf [512]byte
			return scanHints(hints, appendSearchLower(buf[:0], p))
		}
	}
	return scanHints(hints, p)
}

var (
	contributionHints = []string{"contribut", "reporting by", "writing by", "editing by"}
	creditHints       = []string{"credit", "photo", "(ap", "(afp", "(reuters", "(getty", "reuters", "getty", "epa", "/"}
)

// appendSearchLower appends the lower case of s to b, with each rune whose
// lower case is not ASCII written as the one byte 0x80: the hints are
// ASCII, so they occur in this where they occur in the real lower case
// ("İ" lower-cases to "i", the Kelvin sign to "k").
func appendSearchLower(b []byte, s string) []byte {
	for _, r := range s {
		if r = unicode.ToLower(r); r < utf8.RuneSelf {
			b = append(b, byte(r))
		} else {
			b = append(b, utf8.RuneSelf)
		}
	}
	return b
}

// hints is the Aho-Corasick automaton of the noise hints.
var hints = newHintAutomaton(contributionHints, creditHints)

// A hintAutomaton finds, in one pass, which of two sets of lower-case ASCII
// words occur in a text, reading ASCII capitals as lower case.
type hintAutomaton struct {
	next [][256]uint8 // next[state][byte]
	out  []uint8      // bit 0: a word of the first set ends here; bit 1: of the second
}

func newHintAutomaton(first, second []string) *hintAutomaton {
	a := &hintAutomaton{next: make([][256]uint8, 1), out: make([]uint8, 1)}
	// The trie, with 0 standing for "no edge yet".
	for set, words := range [][]string{first, second} {
		for _, w := range words {
			st := 0
			for i := 0; i < len(w); i++ {
				if a.next[st][w[i]] == 0 {
					a.next = append(a.next, [256]uint8{})
					a.out = append(a.out, 0)
					a.next[st][w[i]] = uint8(len(a.next) - 1)
				}
				st = int(a.next[st][w[i]])
			}
			a.out[st] |= 1 << set
		}
	}
	if len(a.next) > 256 {
		panic("analyze: too many hint states")
	}
	// Breadth first, each state's missing edges follow its failure link,
	// and it inherits the output of that link.
	fail := make([]uint8, len(a.next))
	queue := []uint8{}
	for c := range 256 {
		if t := a.next[0][c]; t != 0 {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		a.out[st] |= a.out[fail[st]]
		for c := range 256 {
			if t := a.next[st][c]; t != 0 {
				fail[t] = a.next[fail[st]][c]
				queue = append(queue, t)
			} else {
				a.next[st][c] = a.next[fail[st]][c]
			}
		}
	}
	// Capitals go where lower case goes.
	for st := range a.next {
		for c := 'A'; c <= 'Z'; c++ {
			a.next[st][c] = a.next[st][c+'a'-'A']
		}
	}
	return a
}

// scanHints reports whether a word of a's first set and one of its second
// occur in s.
func scanHints[T string | []byte](a *hintAutomaton, s T) (first, second bool) {
	st, seen := uint8(0), uint8(0)
	for i := 0; i < len(s); i++ {
		st = a.next[st][s[i]]
		if o := a.out[st]; o != 0 {
			if seen |= o; seen == 3 {
				break
			}
		}
	}
	return seen&1 != 0, seen&2 != 0
}

// endsWithPhotoDate recognises a one-sentence wire photo caption, which
// ends with its place and date and names no weekday.
func endsWithPhotoDate(p string) bool {
	if n := len(p); n > 300 || n < 8 || p[n-1] != '.' || p[n-2] < '0' || p[n-2] > '9' || !photoDateRe.MatchString(p) {
		return false
	}
	m := photoDateRe.FindString(p)
	w := strings.TrimRight(m[:strings.IndexByte(m, ' ')], ",")
	return !stampWords[strings.ToLower(w)] && !stopWords[strings.ToLower(w)]
}

// isTagLine recognises keyword lists: "Tags: flooding, Joe Biden" whatever
// the case of its items, or, without such a label, several short lower-case
// items separated by commas and no sentence punctuation.
func isTagLine(p string) bool {
	if endsLikeSentence(p) || strings.ContainsAny(p, ".!?\"“”") {
		return false
	}
	labelled := false
	if m := tagLabelRe.FindString(p); m != "" {
		p, labelled = p[len(m):], true
	}
	items := strings.Split(p, ",")
	if len(items) < 3 && !labelled {
		return false
	}
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" || strings.Count(it, " ") > 3 {
			return false
		}
		if r, _ := utf8.DecodeRuneInString(it); unicode.IsUpper(r) && !labelled {
			return false
		}
	}
	return true
}

// endsWithCredit recognises a caption paragraph: prose sentences followed by
// a trailing credit, a short run of capitalised words without final
// punctuation ("... in Damascus, January 7. AFP/Getty Images").
func endsWithCredit(p string) bool {
	if endsLikeSentence(p) && !strings.HasSuffix(strings.TrimSpace(p), ")") {
		return false
	}
	i := strings.LastIndexAny(strings.TrimSuffix(strings.TrimSpace(p), ")"), ".!?")
	if i < 0 || i == len(p)-1 {
		return false
	}
	tail := strings.TrimSpace(p[i+1:])
	words := strings.Fields(tail)
	if len(words) == 0 || len(words) > 8 {
		return false
	}
	for _, w := range words {
		// A bracketed credit, "(AP Photo/John Smith)", counts from inside
		// its bracket.
		r, _ := utf8.DecodeRuneInString(strings.TrimLeft(w, "(["))
		if !unicode.IsUpper(r) && !isConnective(w) {
			return false
		}
	}
	return true
}

func isConnective(w string) bool {
	switch strings.ToLower(w) {
	case "of", "the", "and", "for", "de", "via", "/", "-", "|":
		return true
	}
	return false
}

// endsLikeSentence reports whether p ends with sentence-final punctuation,
// allowing closing quotes and brackets after it.
func endsLikeSentence(p string) bool {
	p = strings.TrimRightFunc(p, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"'”’»)]`, r)
	})
	if p == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(p)
	return strings.ContainsRune(".!?…:;", r)
}

// isShouting recognises all-caps kickers and headlines.
func isShouting(p string) bool {
	letters, upper := 0, 0
	for i := 0; i < len(p); {
		if c := p[i]; c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z':
				letters++
				// Shouting needs nine capitals for each small letter; each
				// byte left can add at most one. Prose gives up early.
				if upper+len(p)-i < 9*(letters-upper) {
					return false
				}
			case 'A' <= c && c <= 'Z':
				letters++
				upper++
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(p[i:])
		i += n
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return letters >= 8 && upper*10 >= letters*9
}

// splitParagraphs splits text on line breaks; news text uses one paragraph a
// line or blank lines between paragraphs.
func splitParagraphs(text string) []string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
