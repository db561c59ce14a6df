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
)

var (
	captionStart  = regexp.MustCompile(`(?i)^(caption|photo|image|file photo|pictured|above|top|left|right|video)\b\s*[:\-–—]?`)
	creditPattern = regexp.MustCompile(`(?i)(\bcredit\s*:|\bphoto\s*(by|credit)\b|\((ap|afp|reuters|getty)[^)]*\)|\b(ap|afp|epa|reuters)\s*photo\b|getty images|\bvia ap\)|/\s*(afp|getty|reuters|ap)\b|\bpool photo\b|\bphotograph:)`)
	contributedRe = regexp.MustCompile(`(?i)\b(contributed|contributing) (to )?(this|the) (report|story|article)\b|\bcontributed reporting\b|^\s*\(?(reporting|writing|editing|additional reporting) by\b`)
	bylineRe      = regexp.MustCompile(`^(?i:by)\s+\p{Lu}[\p{L}.'’\-]+(\s+\p{Lu}[\p{L}.'’\-]+){0,3}\s*(,.*)?$`)
	tagLabelRe    = regexp.MustCompile(`^(?i:tags|tagged|topics|keywords|filed under|categories)\s*:\s*`)
	promoRe       = regexp.MustCompile(`(?i)^(click here|sign up|subscribe|read more|follow (us|him|her)|share this|advertisement|related:|recommended|copyright|©|all rights reserved|this material may not be published)`)
)

// classify says whether a paragraph is prose or which kind of noise it is.
func classify(p string) Noise {
	p = strings.TrimSpace(p)
	if p == "" {
		return Heading
	}
	// Cheap substring tests go first: the unanchored patterns cost more
	// than the rest of analysis when run on every paragraph.
	lower := strings.ToLower(p)
	mayContribute := containsAny(lower, "contribut", "reporting by", "writing by", "editing by")
	mayCredit := containsAny(lower, "credit", "photo", "(ap", "(afp", "(reuters", "(getty", "reuters", "getty", "epa", "/")
	switch {
	case mayContribute && contributedRe.MatchString(p):
		return Contributed
	case promoRe.MatchString(p):
		return Promo
	case mayCredit && captionStart.MatchString(p) && creditPattern.MatchString(p):
		return Caption
	case isTagLine(p):
		return Tags
	case utf8.RuneCountInString(p) < 120 && bylineRe.MatchString(p):
		return Byline
	case endsWithCredit(p):
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

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
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
	for _, r := range p {
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
