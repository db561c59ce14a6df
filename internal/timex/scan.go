package timex

import (
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a token; the matchers only ever look at a handful of
// shapes, so the tokenizer settles them once.
type tokKind uint8

const (
	tkWord  tokKind = iota // letters
	tkNum                  // a plain run of digits
	tkOrd                  // 1st, 22nd, 18th
	tkOther                // 400,000 3.5 1990s 5pm A320: never a date part
	tkPunct                // any other rune
)

// kwClass is what a word means to the matchers.
type kwClass uint8

const (
	kwNone kwClass = iota
	kwMonth
	kwMonthAbbr
	kwWeekday
	kwWeekdayAbbr
	kwNumWord
	kwPrep // introduces a bare year: "in 2017", "mid-2019"
	kwLast
	kwThis
	kwNext
	kwEarlier // earlier, later
	kwYesterday
	kwToday
	kwTonight
	kwTomorrow
	kwUnit // val is unitDay..unitYear
	kwAgo
	kwPartOfDay
	kwWeekend
	kwThe
	kwOver
)

const (
	unitDay = iota + 1
	unitWeek
	unitMonth
	unitYear
)

type token struct {
	start, end int
	val        int // number value, keyword value, or rune for punctuation
	kind       tokKind
	kw         kwClass
	upper      bool  // first letter is upper case
	digits     uint8 // digit count of tkNum
}

// scanner holds one Extract call's state; nothing is shared between calls.
type scanner struct {
	text   string
	toks   []token
	ref    time.Time // UTC midnight of the reference day
	hasRef bool
}

// scanners recycles scanners, whose token slices would otherwise be most
// of what Extract allocates.
var scanners = sync.Pool{New: func() any { return new(scanner) }}

// newScanner returns a scanner of text from the pool; freeScanner returns
// it once no token is used any more.
func newScanner(text string, ref time.Time) *scanner {
	s := scanners.Get().(*scanner)
	*s = scanner{text: text, toks: tokenize(s.toks, text)}
	if !ref.IsZero() {
		s.ref = time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC)
		s.hasRef = true
	}
	return s
}

// maxPooledTokens bounds the token slices kept for reuse, so that one huge
// text does not pin its tokens' memory.
const maxPooledTokens = 1 << 14

func freeScanner(s *scanner) {
	if cap(s.toks) > maxPooledTokens {
		return
	}
	*s = scanner{toks: s.toks[:0]}
	scanners.Put(s)
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// tokenize splits text into words, numbers and punctuation, recording byte
// offsets so that adjacency ("18th", "Sept.", "2021-09-13") can be checked.
// It reuses the memory of toks.
func tokenize(toks []token, text string) []token {
	toks = toks[:0]
	if n := len(text)/5 + 4; cap(toks) < n {
		toks = make([]token, 0, n)
	}
	n := len(text)
	for i := 0; i < n; {
		c := text[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case isLetter(c) || c >= utf8.RuneSelf && startsLetter(text[i:]):
			j := i
			ascii := true
			for j < n {
				if isLetter(text[j]) {
					j++
					continue
				}
				if text[j] >= utf8.RuneSelf {
					r, size := utf8.DecodeRuneInString(text[j:])
					if unicode.IsLetter(r) {
						ascii = false
						j += size
						continue
					}
				}
				break
			}
			t := token{start: i, end: j, kind: tkWord, upper: c >= 'A' && c <= 'Z'}
			if ascii {
				t.kw, t.val = lookupWord(text[i:j])
			}
			toks = append(toks, t)
			i = j
		case isDigit(c):
			toks = append(toks, numberToken(text, i, toks))
			i = toks[len(toks)-1].end
		case c < utf8.RuneSelf:
			toks = append(toks, token{start: i, end: i + 1, kind: tkPunct, val: int(c)})
			i++
		default:
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsSpace(r) {
				toks = append(toks, token{start: i, end: i + size, kind: tkPunct, val: int(r)})
			}
			i += size
		}
	}
	return toks
}

func startsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// numberToken reads the number starting at text[i]. Thousands separators and
// decimals ("400,000", "3.5"), unit or decade suffixes ("5pm", "1990s") and
// numbers glued to a word ("A320", "COVID19") become tkOther so that they can
// never be mistaken for a day or a year.
func numberToken(text string, i int, prev []token) token {
	n := len(text)
	j := i
	for j < n && isDigit(text[j]) {
		j++
	}
	t := token{start: i, end: j, kind: tkNum}
	if j-i > 9 {
		t.kind = tkOther
	}
	if len(prev) > 0 {
		p := prev[len(prev)-1]
		if p.end == i && p.kind == tkWord {
			t.kind = tkOther
		}
	}
	switch {
	case j+1 < n && (text[j] == ',' || text[j] == '.') && isDigit(text[j+1]):
		for j < n && (isDigit(text[j]) || (text[j] == ',' || text[j] == '.') && j+1 < n && isDigit(text[j+1])) {
			j++
		}
		for j < n && isLetter(text[j]) {
			j++
		}
		t.end, t.kind = j, tkOther
		return t
	case j < n && isLetter(text[j]):
		if text[j] == 'T' && j+1 < n && isDigit(text[j+1]) {
			break // ISO 8601 "2021-09-13T10:00": leave "T10" to the next token
		}
		k := j
		for k < n && isLetter(text[k]) {
			k++
		}
		if t.kind == tkNum && j-i <= 2 && isOrdinalSuffix(text[j:k]) {
			t.kind = tkOrd
		} else {
			t.kind = tkOther
		}
		t.end = k
	}
	if t.kind != tkOther {
		for _, d := range text[i:j] {
			t.val = t.val*10 + int(d-'0')
		}
		t.digits = uint8(j - i)
	}
	return t
}

func isOrdinalSuffix(s string) bool {
	if len(s) != 2 {
		return false
	}
	switch s[0] | 0x20 {
	case 's':
		return s[1]|0x20 == 't'
	case 'n', 'r':
		return s[1]|0x20 == 'd'
	case 't':
		return s[1]|0x20 == 'h'
	}
	return false
}

// lookupWord classifies a word case-insensitively without allocating.
func lookupWord(w string) (kwClass, int) {
	if len(w) < 1 || len(w) > 9 {
		return kwNone, 0
	}
	var buf [9]byte
	for i := 0; i < len(w); i++ {
		buf[i] = w[i] | 0x20
	}
	switch string(buf[:len(w)]) {
	case "january":
		return kwMonth, 1
	case "february":
		return kwMonth, 2
	case "march":
		return kwMonth, 3
	case "april":
		return kwMonth, 4
	case "may":
		return kwMonth, 5
	case "june":
		return kwMonth, 6
	case "july":
		return kwMonth, 7
	case "august":
		return kwMonth, 8
	case "september":
		return kwMonth, 9
	case "october":
		return kwMonth, 10
	case "november":
		return kwMonth, 11
	case "december":
		return kwMonth, 12
	case "jan":
		return kwMonthAbbr, 1
	case "feb":
		return kwMonthAbbr, 2
	case "mar":
		return kwMonthAbbr, 3
	case "apr":
		return kwMonthAbbr, 4
	case "jun":
		return kwMonthAbbr, 6
	case "jul":
		return kwMonthAbbr, 7
	case "aug":
		return kwMonthAbbr, 8
	case "sep", "sept":
		return kwMonthAbbr, 9
	case "oct":
		return kwMonthAbbr, 10
	case "nov":
		return kwMonthAbbr, 11
	case "dec":
		return kwMonthAbbr, 12
	case "sunday":
		return kwWeekday, int(time.Sunday)
	case "monday":
		return kwWeekday, int(time.Monday)
	case "tuesday":
		return kwWeekday, int(time.Tuesday)
	case "wednesday":
		return kwWeekday, int(time.Wednesday)
	case "thursday":
		return kwWeekday, int(time.Thursday)
	case "friday":
		return kwWeekday, int(time.Friday)
	case "saturday":
		return kwWeekday, int(time.Saturday)
	case "sun":
		return kwWeekdayAbbr, int(time.Sunday)
	case "mon":
		return kwWeekdayAbbr, int(time.Monday)
	case "tue", "tues":
		return kwWeekdayAbbr, int(time.Tuesday)
	case "wed":
		return kwWeekdayAbbr, int(time.Wednesday)
	case "thu", "thur", "thurs":
		return kwWeekdayAbbr, int(time.Thursday)
	case "fri":
		return kwWeekdayAbbr, int(time.Friday)
	case "sat":
		return kwWeekdayAbbr, int(time.Saturday)
	case "a", "an", "one":
		return kwNumWord, 1
	case "two":
		return kwNumWord, 2
	case "three":
		return kwNumWord, 3
	case "four":
		return kwNumWord, 4
	case "five":
		return kwNumWord, 5
	case "six":
		return kwNumWord, 6
	case "seven":
		return kwNumWord, 7
	case "eight":
		return kwNumWord, 8
	case "nine":
		return kwNumWord, 9
	case "ten":
		return kwNumWord, 10
	case "eleven":
		return kwNumWord, 11
	case "twelve":
		return kwNumWord, 12
	case "fifteen":
		return kwNumWord, 15
	case "twenty":
		return kwNumWord, 20
	case "thirty":
		return kwNumWord, 30
	case "in", "since", "until", "till", "by", "during", "before", "after",
		"from", "through", "early", "late", "mid", "around", "circa":
		return kwPrep, 0
	case "last":
		return kwLast, 0
	case "this":
		return kwThis, 0
	case "next":
		return kwNext, 0
	case "earlier", "later":
		return kwEarlier, 0
	case "yesterday":
		return kwYesterday, 0
	case "today":
		return kwToday, 0
	case "tonight":
		return kwTonight, 0
	case "tomorrow":
		return kwTomorrow, 0
	case "day", "days":
		return kwUnit, unitDay
	case "week", "weeks":
		return kwUnit, unitWeek
	case "month", "months":
		return kwUnit, unitMonth
	case "year", "years":
		return kwUnit, unitYear
	case "ago":
		return kwAgo, 0
	case "morning", "afternoon", "evening", "night":
		return kwPartOfDay, 0
	case "weekend":
		return kwWeekend, 0
	case "the":
		return kwThe, 0
	case "over":
		return kwOver, 0
	}
	return kwNone, 0
}
