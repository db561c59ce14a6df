package entity

import (
	"encoding/binary"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word or punctuation mark of a sentence. Word text is a
// substring of the sentence, so tokenizing allocates only the slice.
type token struct {
	s          string // surface, possessive "'s" removed
	low        string // lower case of s
	start, end int    // byte offsets of s in the sentence
	punct      bool
	cap        bool // starts with a capital, or an article then a capital ("al-Assad")
	allCaps    bool // two or more letters, none lower case
	digit      bool
	poss       bool // was followed by a possessive
	initial    bool // first word of the sentence or of a quotation or clause
	glued      bool // joined to the previous token by a hyphen ("Syria-Turkey")
	upper      bool // starts with a capital
	flags      wordFlag
}

// is reports whether the token's word is in the word list f.
func (t *token) is(f wordFlag) bool { return t.flags&f != 0 }

// abbrevs keep their full stop: "Gen.", "Mr.", "Inc.".
var abbrevs = toSet(`mr mrs ms dr gen lt col sgt capt maj adm brig cmdr sen rep gov prof rev st mt ft jr sr inc
corp ltd co pres supt det insp amb atty hon cpl gens jan feb mar apr jun jul aug sep sept oct nov dec no vs`)

// monthAbbrevs keep their stop only before a day: "Jan. 5".
var monthAbbrevs = toSet(`jan feb mar apr jun jul aug sep sept oct nov dec no`)

// digitFollows reports whether the next non-space character after k is a
// digit.
func digitFollows(s string, k int) bool {
	for k < len(s) && s[k] == ' ' {
		k++
	}
	return k < len(s) && s[k] >= '0' && s[k] <= '9'
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isHyphen(r rune) bool { return r == '-' || r == '‐' || r == '‑' }

// tokenize splits a sentence into tokens, appending to dst. lower is the
// sentence's lower case, or "" when lower-casing changes byte offsets.
func (x *extractor) tokenize(dst []token, s, lower string) []token {
	// One lower-case copy of the sentence serves all its tokens, when
	// lower-casing keeps byte offsets (it does for ASCII and nearly all text).
	x.lower = lower
	first := len(dst)
	initial := true
	for i := 0; i < len(s); {
		var r rune
		n := 1
		if c := s[i]; c < utf8.RuneSelf {
			r = rune(c)
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				end, poss, next := scanWord(s, i)
				dst = x.appendWord(dst, s, i, end, poss, initial)
				initial = false
				i = next
				continue
			}
		} else {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		if isWordRune(r) {
			end, poss, next := scanWord(s, i)
			dst = x.appendWord(dst, s, i, end, poss, initial)
			initial = false
			i = next
			continue
		}
		dst = append(dst, token{s: s[i : i+n], low: s[i : i+n], start: i, end: i + n, punct: true})
		switch r {
		case '"', '“', '‘', '\'', '(', '[', ':', ';', '—', '–', '-', '«', '…', '.', '!', '?':
			initial = true
		}
		i += n
	}
	x.setFlags(dst[first:])
	return dst
}

// scanWord finds the end of the word starting at i. Words keep inner
// apostrophes (O'Brien), hyphens (al-Assad), and full stops of initials
// (U.S., J.K.) and of known abbreviations (Gen.). A trailing possessive is
// cut off and reported.
func scanWord(s string, i int) (end int, poss bool, next int) {
	j := i
	seg := i // start of the current part, after a dot or hyphen
	for j < len(s) {
		var r rune
		n := 1
		if c := s[j]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				j++
				continue
			}
			r = rune(c)
		} else if r, n = utf8.DecodeRuneInString(s[j:]); isWordRune(r) {
			j += n
			continue
		}
		k := j + n
		switch {
		case r == '\'' || r == '’':
			if k < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[k:])
				if r2 == 's' || r2 == 'S' {
					after := k + n2
					if after >= len(s) {
						return j, true, after
					}
					if r3, _ := utf8.DecodeRuneInString(s[after:]); !isWordRune(r3) {
						return j, true, after
					}
				}
				if isWordRune(r2) && j > i {
					j = k
					seg = k
					continue
				}
			}
			if j > i && s[j-1] == 's' {
				return j, true, k // plural possessive: "Russians'"
			}
			return j, false, j
		case isHyphen(r):
			if k < len(s) {
				if r2, _ := utf8.DecodeRuneInString(s[k:]); isWordRune(r2) {
					j = k
					seg = k
					continue
				}
			}
			return j, false, j
		case r == '.':
			part := s[seg:j]
			if pr, pn := utf8.DecodeRuneInString(part); pn == len(part) && unicode.IsUpper(pr) {
				// An initial: take the stop, and go on if another follows ("U.S.").
				j = k
				seg = k
				if k < len(s) {
					r2, n2 := utf8.DecodeRuneInString(s[k:])
					if unicode.IsUpper(r2) && k+n2 < len(s) && s[k+n2] == '.' {
						continue
					}
					if isHyphen(r2) {
						continue
					}
				}
				return j, false, j
			}
			if monthAbbrevs[strings.ToLower(part)] && !digitFollows(s, k) {
				return j, false, j // "near Vina del Mar." ends a sentence
			}
			if len(part) <= 5 && abbrevs[strings.ToLower(part)] {
				if k < len(s) && isHyphen(rune(s[k])) {
					j, seg = k, k // "RUSSIA-VS.-IRAN"
					continue
				}
				if k >= len(s) || !isWordRune(rune(s[k])) {
					return k, false, k
				}
			}
			return j, false, j
		case r == '&':
			if j > i && k < len(s) && 'A' <= s[k] && s[k] <= 'Z' && 'A' <= s[j-1] && s[j-1] <= 'Z' {
				j = k
				continue
			}
			return j, false, j
		default:
			return j, false, j
		}
	}
	return j, false, j
}

// partKind classifies one hyphen-separated part of a word.
func partCap(p string) bool {
	r, _ := utf8.DecodeRuneInString(p)
	return unicode.IsUpper(r)
}

// appendWord appends the word s[start:end], splitting hyphenated compounds
// whose parts are separate names ("Syria-Turkey") or a name and a common
// word ("Assad-led", "pro-Iran").
func (x *extractor) appendWord(dst []token, s string, start, end int, poss, initial bool) []token {
	w := s[start:end]
	if !mayBeHyphenated(w) {
		return append(dst, x.makeToken(s, start, end, poss, initial, false))
	}
	// Split into parts with their offsets.
	var parts [8][2]int
	np := 0
	ps := start
	for i := start; i < end; {
		r, n := utf8.DecodeRuneInString(s[i:])
		if isHyphen(r) {
			if np < len(parts) {
				parts[np] = [2]int{ps, i}
				np++
			}
			ps = i + n
		}
		i += n
	}
	if np >= len(parts) {
		return append(dst, x.makeToken(s, start, end, poss, initial, false))
	}
	parts[np] = [2]int{ps, end}
	np++

	isParticle := func(p string) bool {
		l := strings.ToLower(p)
		return particles[l] || articlePrefix[l]
	}
	// First lower-case, non-particle part: "Assad-led" splits before "led".
	firstLower := -1
	firstCap := -1
	for k := 0; k < np; k++ {
		p := s[parts[k][0]:parts[k][1]]
		c := partCap(p)
		if k == 0 && np > 1 && c && lowerPrefixes[strings.ToLower(p)] {
			c = false // "Pro-Iran" opening a sentence
		}
		if c && firstCap < 0 {
			firstCap = k
		}
		if !c && !isParticle(p) && !isDigits(p) && firstLower < 0 {
			firstLower = k
		}
	}
	if firstCap < 0 {
		return append(dst, x.makeToken(s, start, end, poss, initial, false))
	}
	if firstLower == 0 || (firstCap > 0 && !isParticle(s[parts[0][0]:parts[0][1]])) {
		// "pro-Iran", "mid-March", "war-torn": prefix stays a plain word.
		if firstCap > 0 {
			dst = append(dst, x.makeToken(s, start, parts[firstCap-1][1], false, initial, false))
			return x.appendWord(dst, s, parts[firstCap][0], end, poss, false)
		}
		return append(dst, x.makeToken(s, start, end, poss, initial, false))
	}
	if firstLower > 0 {
		// "Assad-led", "U.S.-backed": the name, then the rest glued on.
		dst = x.appendWord(dst, s, start, parts[firstLower-1][1], false, initial)
		t := x.makeToken(s, parts[firstLower][0], end, poss, false, true)
		return append(dst, t)
	}
	// All parts are names or particles. Keep "Jean-Claude", "Guinea-Bissau",
	// "Secretary-General"; split "Syria-Turkey", "Israel-Hamas".
	if np >= 2 && !x.known(w) {
		known := 0
		for k := 0; k < np; k++ {
			if x.known(s[parts[k][0]:parts[k][1]]) {
				known++
			}
		}
		if known >= 2 {
			for k := 0; k < np; k++ {
				p := s[parts[k][0]:parts[k][1]]
				if isParticle(p) && !partCap(p) {
					continue
				}
				dst = append(dst, x.makeToken(s, parts[k][0], parts[k][1], poss && k == np-1, initial && k == 0, k > 0))
			}
			return dst
		}
	}
	return append(dst, x.makeToken(s, start, end, poss, initial, false))
}

// mayBeHyphenated reports whether w holds a hyphen.
func mayBeHyphenated(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c == '-' {
			return true
		} else if c >= utf8.RuneSelf {
			return strings.ContainsAny(w[i:], "-‐‑")
		}
	}
	return false
}

// articlePrefix holds hyphenPrefixes without their hyphen.
var articlePrefix = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range hyphenPrefixes {
		m[strings.TrimSuffix(p, "-")] = true
	}
	return m
}()

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isDigits(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return p != ""
}

// known reports whether a surface is a gazetteer place, a nationality or a
// known organisation.
func (x *extractor) known(s string) bool {
	var buf [128]byte
	k, ascii := appendLowerKey(buf[:0], s)
	if ascii {
		return x.lx.known.getBytes(k) != 0
	}
	if _, ok := x.lx.demonyms[string(k)]; ok {
		return true
	}
	if _, ok := x.lx.orgs[string(k)]; ok {
		return true
	}
	_, ok := x.lx.places[placeKey(s)]
	return ok
}

// appendLowerKey appends lowerKey(s) to b without allocating, and reports
// whether s was ASCII.
func appendLowerKey(b []byte, s string) ([]byte, bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	if ascii {
		return b, true
	}
	b = b[:0]
	for _, r := range s {
		if r == '’' {
			r = '\''
		}
		b = utf8.AppendRune(b, unicode.ToLower(r))
	}
	return b, false
}

func (x *extractor) makeToken(s string, start, end int, poss, initial, glued bool) token {
	w := s[start:end]
	var low string
	if x.lower != "" {
		low = x.lower[start:end]
	} else {
		low = strings.ToLower(w)
	}
	t := token{s: w, low: low, start: start, end: end, poss: poss, initial: initial, glued: glued}
	r, n := utf8.DecodeRuneInString(w)
	t.upper = unicode.IsUpper(r)
	t.cap = t.upper
	if !t.cap && n < len(w) && strings.IndexByte(w[:min(len(w), 5)], '-') > 0 {
		// "al-Assad", "el-Sisi": an article glued to a capitalised name.
		for _, p := range hyphenPrefixes {
			if len(w) > len(p) && strings.EqualFold(w[:len(p)], p) {
				r2, _ := utf8.DecodeRuneInString(w[len(p):])
				t.cap = unicode.IsUpper(r2)
				break
			}
		}
	}
	letters, upper := 0, 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= utf8.RuneSelf:
			letters, upper, t.digit = countCaps(w)
			i = len(w)
		case 'a' <= c && c <= 'z':
			letters++
		case 'A' <= c && c <= 'Z':
			letters++
			upper++
		case '0' <= c && c <= '9':
			t.digit = true
		}
	}
	t.allCaps = letters >= 2 && upper == letters
	return t
}

// setFlags looks the words of toks up in the word lists. It runs once a
// sentence is tokenized, in a loop of its own: the big list is larger than
// the processor's caches, and a tight loop lets the processor wait for many
// words at once.
func (x *extractor) setFlags(toks []token) {
	small, big := x.lx.flags, x.lx.bigFlags
	for i := range toks {
		t := &toks[i]
		if t.punct {
			continue
		}
		var key wordKey
		var short bool
		if x.lower != "" {
			key, short = wordKeyAt(x.lower, t.start, t.end)
		} else {
			key, short = makeWordKey(t.low)
		}
		if !short {
			t.flags = small.long[t.low]
			if t.upper {
				t.flags |= big.long[t.low]
			}
			continue
		}
		t.flags = small.find(&key)
		if t.upper {
			// Only capitalised words are asked about names and common
			// words, and the big table is costly to probe.
			t.flags |= big.find(&key)
		}
	}
}

// countCaps counts the letters and capitals of a non-ASCII word.
func countCaps(w string) (letters, upper int, digit bool) {
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		case unicode.IsDigit(r):
			digit = true
		}
	}
	return letters, upper, digit
}

// lowerAll sets x.lowers to the lower case of the title and of each
// sentence, as strings.ToLower has them, or "" where lower-casing changes
// the length. One allocation serves them all.
func (x *extractor) lowerAll(title string, sentences []string) {
	x.lowers = slices.Grow(x.lowers[:0], len(sentences)+1)[:len(sentences)+1]
	clear(x.lowers)
	total := len(title)
	for _, s := range sentences {
		total += len(s)
	}
	var b strings.Builder
	b.Grow(total)
	ends := make([]int, len(sentences)+1)
	for i := -1; i < len(sentences); i++ {
		s := title
		if i >= 0 {
			s = sentences[i]
		}
		if !appendLowerASCII(&b, s) {
			if l := strings.ToLower(s); len(l) == len(s) {
				b.WriteString(l)
			} else {
				ends[i+1] = -1
				continue
			}
		}
		ends[i+1] = b.Len()
	}
	all := b.String()
	start := 0
	for i, e := range ends {
		if e >= 0 {
			x.lowers[i] = all[start:e]
			start = e
		}
	}
}

// appendLowerASCII writes the lower case of s to b if s is ASCII, eight
// bytes at a time, and reports whether it was.
func appendLowerASCII(b *strings.Builder, s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if load64(s[i:])&(0x80*ones) != 0 {
			return false
		}
	}
	for j := i; j < len(s); j++ {
		if s[j] >= utf8.RuneSelf {
			return false
		}
	}
	var buf [64]byte
	for i = 0; i+8 <= len(s); {
		n := 0
		for ; n+8 <= len(buf) && i+8 <= len(s); n, i = n+8, i+8 {
			binary.LittleEndian.PutUint64(buf[n:], lower64(load64(s[i:])))
		}
		b.Write(buf[:n])
	}
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return true
}

const ones = 0x0101010101010101

// lower64 lower-cases the ASCII letters among 8 ASCII bytes.
func lower64(x uint64) uint64 {
	ge := x + (0x80-'A')*ones   // top bit set in bytes >= 'A'
	gt := x + (0x80-'Z'-1)*ones // top bit set in bytes > 'Z'
	return x | (ge&^gt&(0x80*ones))>>2
}
