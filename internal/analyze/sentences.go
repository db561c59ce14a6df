package analyze

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end with a period that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sr": true, "jr": true, "st": true,
	"gen": true, "lt": true, "col": true, "maj": true, "capt": true, "sgt": true, "adm": true, "cmdr": true,
	"gov": true, "sen": true, "rep": true, "rev": true, "pres": true, "hon": true, "amb": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
	"inc": true, "corp": true, "co": true, "ltd": true, "vs": true, "approx": true,
	"ft": true, "mt": true, "ave": true, "blvd": true, "est": true, "fig": true, "vol": true,
	"e.g": true, "i.e": true,
}

// closable are abbreviations that also end sentences ("… at 8 p.m. The
// count began"): like dotted acronyms, they end one when a common sentence
// opener follows.
var closable = map[string]bool{"a.m": true, "p.m": true, "etc": true, "no": true}

// SplitSentences splits a paragraph into sentences. It is rule-based, which
// is enough for edited news prose and keeps analysis fast: a period, question
// or exclamation mark ends a sentence when followed by space and an upper-case
// letter, digit or opening quote, unless it ends a known abbreviation or an
// initial ("U.S.", "J. K.").
func SplitSentences(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		next := i + size
		if r == '.' || r == '!' || r == '?' || r == '…' {
			// Swallow closing quotes and brackets that belong to this sentence.
			end := next
			for end < len(p) {
				c, s := utf8.DecodeRuneInString(p[end:])
				if !strings.ContainsRune(`"'”’)]».`, c) {
					break
				}
				end += s
			}
			if isBoundary(p, start, i, r, end) {
				if s := strings.TrimSpace(p[start:end]); s != "" {
					out = append(out, s)
				}
				start = end
				next = end
			}
		}
		i = next
	}
	if s := strings.TrimSpace(p[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

func isBoundary(p string, start, dot int, mark rune, end int) bool {
	if end < len(p) {
		c, _ := utf8.DecodeRuneInString(p[end:])
		if !unicode.IsSpace(c) {
			return false
		}
	} else {
		return true
	}
	rest := strings.TrimLeftFunc(p[end:], unicode.IsSpace)
	if rest == "" {
		return true
	}
	nr, _ := utf8.DecodeRuneInString(rest)
	if !(unicode.IsUpper(nr) || unicode.IsDigit(nr) || strings.ContainsRune(`"'“‘([`, nr)) {
		return false
	}
	if mark != '.' {
		return true
	}
	// The word before the period.
	w := p[start:dot]
	if k := strings.LastIndexFunc(w, unicode.IsSpace); k >= 0 {
		w = w[k+1:]
	}
	w = strings.TrimLeft(w, `"'“‘([`)
	lw := strings.ToLower(w)
	if closable[lw] {
		return isSentenceOpener(rest)
	}
	if abbreviations[lw] {
		return false
	}
	// A single capital letter is an initial ("George W. Bush").
	if n := utf8.RuneCountInString(w); n == 1 {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			return false
		}
	}
	// Dotted acronyms ("U.S.") end sentences only when the next word could
	// not continue a name: keep them joined when followed by a capitalised word
	// that is not a common sentence opener.
	if strings.Contains(w, ".") && utf8.RuneCountInString(w) <= 6 {
		return isSentenceOpener(rest)
	}
	return true
}

// isSentenceOpener reports whether text starts with a word that commonly
// begins a sentence, used to decide whether "U.S." closed one.
func isSentenceOpener(text string) bool {
	w := text
	if k := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }); k >= 0 {
		w = w[:k]
	}
	return stopWords[strings.ToLower(w)]
}

// runTogetherOpeners are the words that, capitalised between two lower-case
// words with no punctuation before them, start a new sentence: a heading or
// caption that lost its line break runs into the text ("... many feared
// dead The earthquake is the worst ..."). Names that start with them ("The
// Hague", "told The Associated Press") are followed by a capital.
var runTogetherOpeners = map[string]bool{"The": true, "He": true, "She": true, "They": true, "We": true, "It": true}

// splitRunTogether splits a sentence where a heading or caption ran into
// it without punctuation (see runTogetherOpeners).
func splitRunTogether(s string) []string {
	var out []string
	start := 0
	prevLower := false
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] != ' ' {
			j++
		}
		w := s[i:j]
		if prevLower && runTogetherOpeners[w] && i > start && nextIsLower(s[j:]) && j < len(s) {
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i
		}
		r, _ := utf8.DecodeLastRuneInString(w)
		prevLower = unicode.IsLower(r)
		for j < len(s) && s[j] == ' ' {
			j++
		}
		i = j
	}
	return append(out, strings.TrimSpace(s[start:]))
}
