package entity

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// score indexes a mention's type evidence.
const (
	sPerson = iota
	sPlace
	sOrg
	sOther
	nScores
)

var scoreType = [nScores]Type{Person, Place, Org, Other}

// mention is one occurrence of a candidate name in a sentence.
type mention struct {
	text    string // surface, titles and possessive removed
	sent    int
	score   [nScores]float64
	gkey    string // grouping key within the document
	place   string // canonical gazetteer place, if any
	org     string // canonical known organisation, if any
	demonym string // country of a nationality word, if any
	weak    bool   // a common word that only stands capitalised because it opens a sentence
	roled   bool   // came right after a title ("President X")
	multi   bool   // more than one name word
}

// extractor holds the per-call working state; nothing in it outlives the
// call. Extractors are recycled: their slices and maps would otherwise be
// much of what Extract allocates.
type extractor struct {
	lx       *lexicon
	lower    string            // lower-case copy of the sentence being tokenized
	lowers   []string          // lower case of the title and of each sentence (see lowerAll)
	folds    map[string]string // Fold memo: names repeat within a document
	toks     []token
	mentions []mention
	groupIdx map[string]int // scratch of group
}

var extractors = sync.Pool{New: func() any { return new(extractor) }}

// maxPooledTokens bounds the token slice of a recycled extractor, so that
// one huge sentence does not pin its memory.
const maxPooledTokens = 1 << 12

func newExtractor(mentions int) *extractor {
	x := extractors.Get().(*extractor)
	x.lx = lex()
	x.mentions = slices.Grow(x.mentions, mentions)
	return x
}

// free returns x to the pool, dropping its references to the text.
func (x *extractor) free() {
	if cap(x.toks) > maxPooledTokens {
		return
	}
	clear(x.toks[:cap(x.toks)])
	clear(x.mentions[:cap(x.mentions)])
	clear(x.lowers)
	clear(x.folds)
	clear(x.groupIdx)
	*x = extractor{toks: x.toks[:0], mentions: x.mentions[:0], lowers: x.lowers[:0], folds: x.folds, groupIdx: x.groupIdx}
	extractors.Put(x)
}

// Extract finds the named entities of a document, most salient first.
//
// The title is optional; its mentions count with sentence index -1 and make
// an entity more salient. A title in Title Case (or a sentence in capitals)
// says nothing through its capitals, so only names already found in the
// body or in the gazetteers are taken from it.
//
// Extract is safe for concurrent use. The first call parses the embedded
// gazetteer (about 60 ms, 10 MB); later calls take about 0.25 ms for a 3 KB
// article.
func Extract(title string, sentences []string) []Entity {
	n := capitals(title) + 4
	for _, s := range sentences {
		n += capitals(s)
	}
	x := newExtractor(n)
	defer x.free()
	x.lowerAll(title, sentences)
	var restricted []int // sentence indexes (-1 = title) to scan for known names only
	for i, s := range sentences {
		x.toks = x.tokenize(x.toks[:0], s, x.lowers[i+1])
		if isRestricted(x.toks, false) {
			restricted = append(restricted, i)
			continue
		}
		x.sentence(s, i)
	}
	if title != "" {
		x.toks = x.tokenize(x.toks[:0], title, x.lowers[0])
		if isRestricted(x.toks, true) {
			restricted = append(restricted, -1)
		} else {
			x.sentence(title, -1)
		}
	}
	groups := x.group()
	if len(restricted) > 0 {
		groups = x.scanKnown(groups, restricted, title, sentences)
	}
	return x.entities(groups)
}

// capitals counts the capitals that start a word or a hyphenated part, a
// bound on the number of mentions in s (non-ASCII capitals are counted
// by their lead byte).
func capitals(s string) int {
	n := 0
	prev := byte(' ')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c >= 'A' && c <= 'Z' || c >= 0xC0) && !(prev >= 'a' && prev <= 'z' || prev >= 'A' && prev <= 'Z' || prev >= 0x80) {
			n++
		}
		prev = c
	}
	return n
}

// fold is Fold with a per-document memo.
func (x *extractor) fold(s string) string {
	if f, ok := x.folds[s]; ok {
		return f
	}
	if x.folds == nil {
		x.folds = make(map[string]string, 64)
	}
	f := Fold(s)
	x.folds[s] = f
	return f
}

// isRestricted reports whether a sentence is in capitals or Title Case, so
// that its capitals carry no information.
func isRestricted(toks []token, isTitle bool) bool {
	words, caps, allCaps := 0, 0, 0
	for i := range toks {
		t := &toks[i]
		if t.punct || t.digit || len(t.s) < 2 {
			continue
		}
		if t.is(fFunction) && !t.allCaps {
			continue
		}
		words++
		if t.cap {
			caps++
		}
		if t.allCaps {
			allCaps++
		}
	}
	if words >= 3 && allCaps*10 >= words*6 {
		return true
	}
	if isTitle {
		return words >= 3 && caps*10 >= words*8
	}
	return words >= 4 && caps == words
}

var functionWords = toSet(`a an the of in on at to for and or but with by from as is are was be vs via into over
after amid about than its his her their`)

// sentence finds the capitalised spans of one sentence and turns them into
// mentions.
func (x *extractor) sentence(s string, sent int) {
	toks := x.toks
	for i := 0; i < len(toks); {
		if !x.isNameTok(toks, i) {
			i++
			continue
		}
		j := x.spanEnd(toks, i)
		x.span(s, toks, i, j, sent, false)
		i = j
	}
}

// isNameTok reports whether token i can be part of a name.
func (x *extractor) isNameTok(toks []token, i int) bool {
	t := &toks[i]
	if t.punct || !t.cap || t.s == "I" {
		return false
	}
	if t.digit {
		// "G7", "M23"; not "COVID-19" or "Category 5".
		_, ok := x.lx.orgs[t.low]
		return ok || (t.allCaps && !t.is(fAcronymStop))
	}
	if t.is(fCalendar) {
		// "Theresa May", "April Ryan": a month after a given name is a surname.
		return i > 0 && toks[i-1].is(fFirst) && toks[i-1].cap &&
			(i+1 >= len(toks) || !toks[i+1].digit)
	}
	return true
}

// spanEnd extends a span of names from i: capitalised words, particles
// between them ("bin", "van"), "of"/"for" after a head word ("Ministry of
// Defence"), and "and"/"&" inside known names.
func (x *extractor) spanEnd(toks []token, i int) int {
	j := i + 1
	hasOf := false
	for j < len(toks) {
		t := &toks[j]
		if toks[j-1].poss {
			// "St. Peter's Square", "People's Republic": a possessive inside
			// a name that ends in a head word.
			if !(x.isNameTok(toks, j) && (t.is(fOrgHead) || t.is(fPlaceHead) || t.is(fOfHead) || t.is(fOtherHead))) {
				break
			}
		}
		if t.glued {
			break
		}
		if x.isNameTok(toks, j) {
			j++
			continue
		}
		next := j + 1
		nextName := next < len(toks) && !toks[next].glued && x.isNameTok(toks, next)
		switch {
		case t.s == "," && next < len(toks) && toks[next].s == "D.C.":
			j += 2 // "Washington, D.C."
			continue
		case t.s == "&" && nextName:
			j += 2
			continue
		case !t.punct && !t.cap && t.is(fParticle) && len(t.low) <= 4:
			// "bin", "van", "von der", "de la" before a name.
			k := j
			for k < len(toks) && k-j < 3 && !toks[k].punct && !toks[k].cap && toks[k].is(fParticle) {
				k++
			}
			if k < len(toks) && !toks[k].glued && x.isNameTok(toks, k) {
				j = k + 1
				continue
			}
		case (t.low == "of" || t.low == "for" || t.low == "on") && (toks[j-1].is(fOfHead) || hasOf && t.low == "of"):
			// "Ministry of Defence"; "Institute for the Study of War".
			if nextName {
				j += 2
				hasOf = true
				continue
			}
			if next+1 < len(toks) && toks[next].low == "the" && x.isNameTok(toks, next+1) {
				j += 3
				hasOf = true
				continue
			}
		case t.low == "and" && nextName:
			k := next + 1
			for k < len(toks) && x.isNameTok(toks, k) && !toks[k].glued && !toks[k-1].poss {
				k++
			}
			if hasOf || toks[k-1].is(fOrgHead) || x.known(joinTokens(toks, i, k)) {
				j = k
				continue
			}
		}
		break
	}
	return j
}

// joinTokens rebuilds the text of toks[a:b] with single spaces (allocates;
// only used on rare paths).
func joinTokens(toks []token, a, b int) string {
	var sb strings.Builder
	for k := a; k < b; k++ {
		if k > a {
			sb.WriteByte(' ')
		}
		sb.WriteString(toks[k].s)
	}
	return sb.String()
}

// text is the sentence substring covering toks[a:b].
func text(s string, toks []token, a, b int) string {
	return s[toks[a].start:toks[b-1].end]
}

// isConnector reports lower-case words allowed inside a span.
func isConnector(t *token) bool {
	return !t.cap && (t.low == "of" || t.low == "for" || t.low == "on" || t.low == "the" || t.low == "and" || t.s == "&")
}

// nameish reports whether token k can be part of a person's name.
func (x *extractor) nameish(toks []token, k, start, end int) bool {
	t := &toks[k]
	if t.punct {
		return false
	}
	if !t.cap {
		return t.is(fParticle) && k > start
	}
	if isInitial(t.s) || t.is(fNameSuffix) {
		return k > start
	}
	// A title word right after a given name that starts the name is a
	// surname: "John Major", "Theresa May"; not "New York Mayor".
	prev := &toks[max(k-1, 0)]
	afterFirst := k > start && prev.is(fFirst) && prev.cap && !prev.is(fTitle) && !prev.is(fRoleMod) &&
		(k-1 == start || toks[k-2].is(fTitle) || toks[k-2].is(fRoleMod) || !toks[k-2].cap)
	if t.is(fTitle) || t.is(fRoleMod) || t.is(fOrgHead) || t.is(fCalendar) {
		return afterFirst
	}
	if _, ok := x.lx.demonyms[t.low]; ok {
		// "Christian Lindner": a given name that is also a group word.
		return t.is(fFirst) && k < end-1
	}
	if t.allCaps && len(t.s) <= 6 {
		return false
	}
	if t.is(fFirst) {
		return true
	}
	pk := t.low
	if !isASCII(t.s) {
		pk = placeKey(t.s)
	}
	if p, ok := x.lx.places[pk]; ok {
		// A town name followed by more name words is a given name:
		// "Hassan Nasrallah"; a country seldom is.
		return !p.country && (afterFirst || k < end-1)
	}
	if _, ok := x.lx.orgs[t.low]; ok {
		return false
	}
	return true
}

// span turns the name span toks[a:b] into mentions: it drops sentence
// openers, splits titles off people ("Russian President Vladimir Putin" →
// "Russian", "Vladimir Putin") and classifies what is left.
func (x *extractor) span(s string, toks []token, a, b, sent int, roleRest bool) {
	// A leading "The" belongs to no key ("The Associated Press"), unless
	// the name is known with it ("The Hague").
	article := false
	if b-a > 1 && toks[a].low == "the" && !x.known(text(s, toks, a, b)) {
		a++
		article = true
	}
	if a >= b {
		return
	}
	whole := text(s, toks, a, b)
	if x.known(whole) {
		x.add(s, toks, a, b, sent, article, false, roleRest)
		return
	}
	// Sentence openers: "However", "But Putin", "The".
	for b-a > 1 && toks[a].initial && x.opener(&toks[a]) && x.knownPrefix(s, toks, a, b) == 0 {
		a++
	}
	// Storms: "Hurricane Otis", "Tropical Storm Hilary" → "Otis", "Hilary".
	if stormWords[toks[a].low] {
		k := a
		for k < b && stormWords[toks[k].low] {
			k++
		}
		if k < b && k > a {
			x.storm(s, toks, k, b, sent)
			return
		}
	}
	last := &toks[b-1]
	if b-a > 1 && ((last.is(fOrgHead) || last.is(fPlaceHead) || last.is(fOtherHead)) && !last.is(fTitle) ||
		toks[a].is(fOtherLead) || toks[a].is(fOrgLead)) {
		x.add(s, toks, a, b, sent, article, false, roleRest)
		return
	}

	// The longest run of name words at the end.
	p := b
	if x.nameish(toks, b-1, a, b) {
		p = b - 1
		for p > a && x.nameish(toks, p-1, a, b) {
			p--
		}
		// Particles cannot start a name.
		for p < b-1 && !toks[p].cap {
			p++
		}
	}
	if p == a {
		x.add(s, toks, a, b, sent, article, false, roleRest)
		return
	}
	// Strip titles and their modifiers leftwards from the name.
	q := p
	sawTitle := false
	for q > a {
		if q < p && x.known(text(s, toks, a, q)) {
			break
		}
		t := &toks[q-1]
		if t.is(fTitle) {
			sawTitle = true
		} else if !t.is(fRoleMod) && !isConnector(t) {
			break
		}
		if (t.is(fPlaceHead) || t.is(fOrgHead)) && !t.is(fTitle) && q-2 >= a &&
			toks[q-2].cap && !toks[q-2].is(fTitle) && !toks[q-2].is(fRoleMod) {
			break // "Fulton County District Attorney": the county is a name
		}
		q--
	}
	switch {
	case sawTitle:
		if q > a {
			x.span(s, toks, a, q, sent, true)
		}
		if p < b {
			x.add(s, toks, p, b, sent, false, true, false)
		}
	case p < b && b-p >= 2 && toks[p].is(fFirst) && x.entityish(s, toks, a, p):
		// "Bank of England Andrew Bailey", "Syrian Bassam Barabandi".
		x.span(s, toks, a, p, sent, true)
		x.add(s, toks, p, b, sent, false, false, false)
	default:
		// A leading nationality stands apart unless it opens an organisation
		// name (handled above): "Iraqi Kurdish leaders".
		if n := x.knownPrefix(s, toks, a, b); n > 0 && a+n < b && !x.orgOf(toks, a+n, b) {
			var buf [128]byte
			k, _ := appendLowerKey(buf[:0], text(s, toks, a, a+n))
			if _, ok := x.lx.demonyms[string(k)]; ok {
				x.add(s, toks, a, a+n, sent, article, false, true)
				x.span(s, toks, a+n, b, sent, roleRest)
				return
			}
		}
		x.add(s, toks, a, b, sent, article, false, roleRest)
	}
}

// storm records a storm's name, typed Other.
func (x *extractor) storm(s string, toks []token, a, b, sent int) {
	before := len(x.mentions)
	x.add(s, toks, a, b, sent, false, false, false)
	if len(x.mentions) > before {
		m := &x.mentions[len(x.mentions)-1]
		m.score[sOther] += 6
		m.weak = false
	}
}

// orgOf reports whether toks[a:b] is an organisation name built on "of"
// or "for": "Observatory for Human Rights".
func (x *extractor) orgOf(toks []token, a, b int) bool {
	if !toks[a].is(fOfHead) && !toks[a].is(fOrgHead) {
		return false
	}
	for k := a + 1; k < b; k++ {
		if toks[k].low == "of" || toks[k].low == "for" {
			return true
		}
	}
	return false
}

// knownPrefix gives the length, in tokens, of the longest known name
// (place, nationality, organisation) that starts toks[a:b], or 0.
func (x *extractor) knownPrefix(s string, toks []token, a, b int) int {
	for n := min(b-a, x.lx.maxPlaceN, 6); n >= 1; n-- {
		if x.known(text(s, toks, a, a+n)) {
			return n
		}
	}
	return 0
}

// entityish reports whether toks[a:b] stands on its own as a name of
// something known, so a person name after it can be split off.
func (x *extractor) entityish(s string, toks []token, a, b int) bool {
	if x.known(text(s, toks, a, b)) {
		return true
	}
	l := toks[b-1].low
	return orgHeads[l] || placeHeads[l]
}

// opener reports whether a capitalised word at the start of a sentence is
// just an ordinary word.
func (x *extractor) opener(t *token) bool {
	if t.allCaps || t.is(fOtherLead) || t.is(fOrgLead) || stormWords[t.low] {
		return false
	}
	if t.poss && !t.is(fStarter) {
		return false // "Trump's lawyers": common words seldom own things
	}
	if t.is(fStarter) {
		return true
	}
	if !t.is(fWide) && !x.lx.has(singular(t.low), fWide) {
		return false
	}
	if x.known(t.s) || t.is(fTitle) {
		return false
	}
	return true
}

// singular strips a plural ending so "Wildfires" finds "wildfire".
func singular(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// add records toks[a:b] as a mention and scores its type.
func (x *extractor) add(s string, toks []token, a, b, sent int, article, roled, roleRest bool) {
	// Trim connectors and punctuation left dangling at the edges.
	for a < b && (isConnector(&toks[a]) || toks[a].punct) {
		a++
	}
	for b > a && (isConnector(&toks[b-1]) || toks[b-1].punct) {
		b--
	}
	if a >= b {
		return
	}
	m := mention{sent: sent, roled: roled}
	m.text = text(s, toks, a, b)
	nwords := 0
	for k := a; k < b; k++ {
		if toks[k].cap {
			nwords++
		}
	}
	m.multi = nwords > 1
	lx := x.lx
	var lowBuf [128]byte
	lowB, ascii := appendLowerKey(lowBuf[:0], m.text)
	first := &toks[a]
	lastTok := &toks[b-1]

	if nwords == 1 && b-a == 1 {
		if (first.is(fTitle) || first.is(fRoleMod)) && !x.known(first.s) || first.s == "I" {
			return
		}
		if len(first.s) == 1 {
			return
		}
		if first.allCaps && first.is(fAcronymStop) {
			return
		}
		if first.initial && x.opener(first) {
			m.weak = true
		}
		if b < len(toks) && toks[b].digit && !toks[b].cap && first.is(fWide) {
			return // "Category 5", "Article 370", "Flight 17"
		}
	}
	if c, ok := lx.demonyms[string(lowB)]; ok {
		m.demonym = c
		m.score[sOther] += 10
	}
	if first.is(fHoliday) {
		m.score[sOther] += 5
	}
	if c, ok := lx.orgs[string(lowB)]; ok {
		m.org = c
		m.score[sOrg] += 5
	} else if first.allCaps && strings.IndexByte(m.text, '.') >= 0 {
		if c, ok := lx.orgs[strings.ReplaceAll(string(lowB), ".", "")]; ok {
			m.org = c
			m.score[sOrg] += 5
		}
	}
	var p placeInfo
	var ok bool
	if ascii {
		p, ok = lx.places[string(lowB)]
	} else {
		p, ok = lx.places[placeKey(m.text)]
	}
	if !ok && b-a == 1 && len(m.text) >= 5 {
		// Another transliteration of a gazetteer name: "Khmeimim".
		p, ok = lx.placesF[x.fold(m.text)]
		ok = ok && p.canon != ""
	}
	if ok && !(len(lowB) <= 3 && !first.allCaps) {
		m.place = p.canon
		m.score[sPlace] += 3
		if p.country {
			m.score[sPlace]++
		}
	}
	if m.place == "" && b-a > 1 && compassLeads[first.low] {
		if p, ok := lx.place(text(s, toks, a+1, b)); ok {
			_ = p
			m.score[sPlace] += 4 // "Southern California"
		}
	}
	hasOf := false
	for k := a; k < b; k++ {
		if toks[k].low == "of" || toks[k].low == "for" {
			hasOf = true
		}
	}
	switch {
	case lastTok.is(fOrgHead) && b-a > 1:
		m.score[sOrg] += 4
	case hasOf && (first.is(fOrgHead) || first.is(fOfHead)) && !first.is(fPlaceLead) && !first.is(fPlaceHead):
		m.score[sOrg] += 4
	case lastTok.is(fPlaceHead) && b-a > 1:
		m.score[sPlace] += 3
	case first.is(fPlaceLead) && b-a > 1:
		m.score[sPlace] += 2.5
	case lastTok.is(fOtherHead) && b-a > 1, first.is(fOtherLead) && b-a > 1:
		m.score[sOther] += 4
	case first.is(fOrgLead) && b-a > 1:
		m.score[sOrg] += 3
	}
	if first.digit && nwords == 1 {
		m.score[sOther] += 1
	}
	if nwords == 1 && first.allCaps && len(first.s) <= 8 && m.place == "" && m.demonym == "" {
		m.score[sOrg] += 2
	}
	// Name structure.
	if nwords >= 2 && m.place == "" && m.org == "" {
		common, names := 0, 0
		for k := a; k < b; k++ {
			t := &toks[k]
			if !t.cap {
				continue
			}
			if t.is(fFirst) {
				names++
			} else if t.is(fCommon) || t.is(fOrgHead) {
				common++
			}
		}
		if first.is(fFirst) {
			m.score[sPerson] += 2
		}
		switch {
		case common == 0 && nwords <= 4:
			m.score[sPerson] += 1
		case common > 0 && names == 0:
			m.score[sOrg] += 1
		}
		if lastTok.is(fName) {
			m.score[sPerson] += 0.5
		}
	} else if nwords == 1 && (first.is(fFirst) || first.is(fName)) && !first.is(fCommon) {
		m.score[sPerson] += 0.8
	}
	if roled {
		m.score[sPerson] += 4
	}
	if roleRest {
		// What stood before a title qualifies it: "Kremlin" spokesman.
		m.score[sPerson] -= 3
		m.score[sOrg] += 0.5
	}
	if cued := x.context(toks, a, b, &m, article); !cued && nwords == 1 && b-a == 1 && !first.allCaps &&
		(first.is(fWide) || lx.has(singular(first.low), fWide)) && !first.is(fFirst) && !first.is(fName) &&
		m.place == "" && m.org == "" && m.demonym == "" && !roled {
		// "the Presidency", "the Republic": a capitalised common word with
		// nothing around it that says it names something.
		m.weak = true
	}

	switch {
	case m.demonym != "":
		m.gkey = "d:" + m.demonym
	case m.org != "":
		m.gkey = "o:" + m.org
	case m.place != "" && m.score[sPerson] < 3:
		m.gkey = "p:" + m.place
	default:
		// Spelling variants of people are merged later, by surname.
		m.gkey = "f:" + string(lowB)
	}
	x.mentions = append(x.mentions, m)
}

var placeAfter = toSet(`province governorate region city town village district county border area airport base
countryside suburb suburbs neighbourhood neighborhood based capital oblast coast camp airbase peninsula
island islands river valley mountains desert`)

var stockNouns = toSet(`shares stock stocks stake owner owners chief ceo founder boss customers employees
staff workers subsidiary unit division rival rivals`)

var compass = toSet(`north south east west northeast northwest southeast southwest outskirts suburbs heart centre
center edge streets`)

var placeNouns = toSet(`city town village capital country province region state island district port county
governorate nation kingdom republic enclave territory stronghold`)

// context scores a mention by the words around it, and reports whether
// any cue other than an article was found.
func (x *extractor) context(toks []token, a, b int, m *mention, article bool) (cued bool) {
	before := m.score
	defer func() {
		for i := range m.score {
			if m.score[i] > before[i] {
				cued = true
			}
		}
	}()
	// Before: skip an article to the cue word.
	k := a - 1
	if k >= 0 && toks[k].low == "the" {
		// "the Assad-led government": the article is the head noun's.
		article = b >= len(toks) || !toks[b].glued
		k--
	}
	if article {
		m.score[sPerson] -= 1.5
		m.score[sOrg] += 1
		m.score[sPlace] += 0.5
		before[sOrg] += 1
		before[sPlace] += 0.5
	}
	if k >= 0 && !toks[k].punct {
		w := toks[k].low
		if !toks[k].cap || toks[k].initial {
			switch {
			case personCues[w] && !article:
				m.score[sPerson] += 3
			case orgCues[w]:
				m.score[sOrg] += 3
			}
		}
		if v, ok := placeCues[w]; ok {
			if article {
				v *= 0.7
			}
			m.score[sPlace] += v
		}
		switch w {
		case "at":
			// "analysts at Goldman Sachs": people are seldom "at" someone.
			m.score[sOrg] += 0.8
			if !toks[a].is(fFirst) {
				m.score[sPerson] -= 1
			}
		case "of":
			// "south of Crete", "the outskirts of Kyiv"; "shares of Alibaba".
			if k > 0 && (toks[k-1].is(fCompass) || toks[k-1].is(fPlaceNoun)) {
				m.score[sPlace] += 2
			}
			if k > 0 && stockNouns[toks[k-1].low] {
				m.score[sOrg] += 2
			}
		}
	}
	// After.
	if b < len(toks) {
		t := &toks[b]
		switch {
		case !toks[b-1].poss && (t.is(fPlaceAfter) || (b+1 < len(toks) && !t.punct && !t.cap && toks[b+1].is(fPlaceAfter))):
			m.score[sPlace] += 2
		case toks[b-1].poss && t.is(fPossNoun):
			m.score[sPerson] += 1.5
		case !t.cap && t.is(fRoleNoun) && !toks[b-1].poss:
			// "BlackRock chief executive", "Hamas leader": an institution.
			m.score[sOrg] += 1.5
			m.score[sPerson] -= 1
		case t.is(fSayVerb):
			m.score[sPerson] += 0.7
			m.score[sOrg] += 0.3
		case t.s == "," && b+1 < len(toks):
			n := &toks[b+1]
			switch n.low {
			case "who":
				m.score[sPerson] += 1.5
			case "which":
				m.score[sOrg] += 0.5
				m.score[sPlace] += 0.5
			case "a", "an", "the":
				for j := b + 2; j < len(toks) && j < b+9; j++ {
					w := toks[j].low
					if toks[j].punct {
						break
					}
					if personCues[w] {
						m.score[sPerson] += 2
						break
					}
					if orgCues[w] {
						m.score[sOrg] += 2
						break
					}
					if placeNouns[w] {
						m.score[sPlace] += 2
						break
					}
				}
			}
		}
	}
	return
}

// group is one entity of the document: the mentions merged so far.
type group struct {
	forms    []form
	score    [nScores]float64
	mentions int
	first    int
	inTitle  bool
	place    string
	org      string
	demonym  string
	weak     int // mentions that were only sentence openers
	roled    bool
	multi    bool
	merged   bool // folded into another group
}

type form struct {
	text  string
	count int
	words int
}

func (g *group) addForm(s string) {
	for i := range g.forms {
		if g.forms[i].text == s {
			g.forms[i].count++
			return
		}
	}
	g.forms = append(g.forms, form{s, 1, countWords(s)})
}

func countWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		sp := s[i] == ' '
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}

func (g *group) absorb(o *group) {
	for _, f := range o.forms {
		found := false
		for i := range g.forms {
			if g.forms[i].text == f.text {
				g.forms[i].count += f.count
				found = true
				break
			}
		}
		if !found {
			g.forms = append(g.forms, f)
		}
	}
	for i := range g.score {
		g.score[i] += o.score[i]
	}
	g.mentions += o.mentions
	if o.first < g.first {
		g.first = o.first
	}
	g.inTitle = g.inTitle || o.inTitle
	g.weak += o.weak
	g.roled = g.roled || o.roled
	g.multi = g.multi || o.multi
	if g.place == "" {
		g.place = o.place
	}
	if g.org == "" {
		g.org = o.org
	}
}

func (g *group) addMention(m *mention) {
	g.addForm(m.text)
	for i := range g.score {
		g.score[i] += m.score[i]
	}
	g.mentions++
	if m.sent < g.first {
		g.first = m.sent
	}
	if m.sent == -1 {
		g.inTitle = true
	}
	if m.weak {
		g.weak++
	}
	g.roled = g.roled || m.roled
	g.multi = g.multi || m.multi
	if g.place == "" {
		g.place = m.place
	}
	if g.org == "" {
		g.org = m.org
	}
	if g.demonym == "" {
		g.demonym = m.demonym
	}
}

// typ is the group's current best type.
func (g *group) typ() Type {
	if g.demonym != "" {
		return Other
	}
	best, bi := 0.0, sOther
	for i, v := range g.score {
		if v > best {
			best, bi = v, i
		}
	}
	return scoreType[bi]
}

// fullest is the form with most words, then the longest, then the most
// frequent.
func (g *group) fullest() string {
	fs := plainForms(g.forms)
	best := fs[0]
	bw := best.words
	for _, f := range fs[1:] {
		w := f.words
		if w > bw || (w == bw && (len(f.text) > len(best.text) || (len(f.text) == len(best.text) && f.count > best.count))) {
			best, bw = f, w
		}
	}
	return best.text
}

// group merges the mentions into entities: same key first, then a
// person's short forms into the full name.
func (x *extractor) group() []group {
	groups := make([]group, 0, len(x.mentions)/2+8)
	if x.groupIdx == nil {
		x.groupIdx = make(map[string]int, len(x.mentions))
	}
	idx := x.groupIdx
	for i := range x.mentions {
		m := &x.mentions[i]
		gi, ok := idx[m.gkey]
		if !ok {
			gi = len(groups)
			idx[m.gkey] = gi
			groups = append(groups, group{first: m.sent, place: m.place, org: m.org, demonym: m.demonym})
		}
		groups[gi].addMention(m)
	}
	x.mergePeople(groups)
	mergeAcronyms(groups)
	return groups
}

// mergeAcronyms joins an acronym to the name it abbreviates in the same
// article ("SDF" and "Syrian Democratic Forces", "IAEA" and "International
// Atomic Energy Agency"): the initials of the name's words, skipping small
// words, spell the acronym.
func mergeAcronyms(groups []group) {
	for gi := range groups {
		g := &groups[gi]
		if g.merged || g.multi {
			continue
		}
		acr := strings.ReplaceAll(g.fullest(), ".", "")
		if len(acr) < 2 || len(acr) > 6 || strings.ToUpper(acr) != acr || strings.ToLower(acr) == acr {
			continue
		}
		for ti := range groups {
			t := &groups[ti]
			if ti == gi || t.merged || !t.multi || t.typ() == Person {
				continue
			}
			if initials(t.fullest()) == acr {
				t.absorb(g)
				g.merged = true
				break
			}
		}
	}
}

// initials spells the capitals that start the words of a name, skipping
// lower-case small words ("of", "the", "for").
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' }) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// personName is a multi-word person group seen by the alias merger.
type personName struct {
	gi      int
	firstW  string // folded first word
	surname string // folded surname
}

// mergePeople merges spelling variants of a person ("Bashar Assad",
// "Bashar al-Assad") and short forms ("Assad", "Mr. Assad", "Bashar")
// into the fullest name, by surname and given-name structure.
func (x *extractor) mergePeople(groups []group) {
	var people []personName
	for gi := range groups {
		g := &groups[gi]
		if !g.multi || g.typ() != Person {
			continue
		}
		words := strings.Fields(g.fullest())
		people = append(people, personName{gi: gi, firstW: x.fold(stripArticle(words[0])), surname: x.fold(surname(words))})
	}
	// Variants of the same full name.
	for i := range people {
		for j := i + 1; j < len(people); j++ {
			a, b := &people[i], &people[j]
			if groups[a.gi].merged || groups[b.gi].merged {
				continue
			}
			if a.surname == b.surname && compatibleGiven(a.firstW, b.firstW) {
				x.mergeInto(groups, b.gi, a.gi)
			}
		}
	}
	// Short forms.
	for gi := range groups {
		g := &groups[gi]
		if g.merged || g.multi || g.demonym != "" {
			continue
		}
		f := x.fold(stripArticle(g.forms[0].text))
		if f == "" {
			continue
		}
		target := -1
		for _, p := range people {
			if groups[p.gi].merged || p.gi == gi {
				continue
			}
			if p.surname == f && (target < 0 || groups[p.gi].mentions > groups[target].mentions) {
				target = p.gi
			}
		}
		if target < 0 {
			// A given name alone ("Bashar", "Xi") if only one person has it.
			n := 0
			for _, p := range people {
				if !groups[p.gi].merged && p.firstW == f {
					target = p.gi
					n++
				}
			}
			if n != 1 {
				target = -1
			}
		}
		if target < 0 {
			continue
		}
		// A place that reads as a place in this text stays one.
		if g.place != "" && g.score[sPlace] > g.score[sPerson]+3.5 {
			continue
		}
		if g.org != "" {
			continue
		}
		x.mergeInto(groups, gi, target)
	}
}

func (x *extractor) mergeInto(groups []group, from, to int) {
	groups[to].absorb(&groups[from])
	groups[from].merged = true
	// Short forms of people carry little type evidence of their own.
	if groups[to].score[sPerson] < 1 {
		groups[to].score[sPerson] = 1
	}
}

// compatibleGiven reports whether two folded given names can be the same
// person's: equal, one an initial or a short form of the other.
func compatibleGiven(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) == 1 || len(b) == 1 {
		return a[0] == b[0]
	}
	if len(a) >= 3 && len(b) >= 3 && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a)) {
		return true
	}
	// A short form sharing the first two letters: "Joe" and "Joseph".
	if (len(a) <= 3 || len(b) <= 3) && len(a) >= 2 && len(b) >= 2 && a[:2] == b[:2] {
		return true
	}
	return jaroWinkler(a, b) >= 0.9
}

// scanKnown finds, in Title Case or capitalised sentences, the names
// already known from the body and the gazetteers.
func (x *extractor) scanKnown(groups []group, restricted []int, title string, sentences []string) []group {
	known := map[string]int{}
	for gi := range groups {
		g := &groups[gi]
		if g.merged || g.weak == g.mentions {
			continue
		}
		for _, f := range g.forms {
			known[lowerKey(f.text)] = gi
		}
		if g.typ() == Person {
			words := strings.Fields(g.fullest())
			if len(words) > 1 {
				if sn := lowerKey(surname(words)); sn != "" {
					if _, ok := known[sn]; !ok {
						known[sn] = gi
					}
				}
			}
		}
	}
	for _, si := range restricted {
		s := title
		if si >= 0 {
			s = sentences[si]
		}
		toks := x.tokenize(x.toks[:0], s, x.lowers[si+1])
		x.toks = toks
		shouting := isRestricted(toks, false)
		for i := 0; i < len(toks); {
			matched := 0
			for n := min(4, len(toks)-i); n >= 1 && matched == 0; n-- {
				ok := true
				for k := i; k < i+n; k++ {
					if toks[k].punct || (k > i && toks[k].glued) {
						ok = false
						break
					}
				}
				if !ok || (!toks[i].cap) || (!toks[i+n-1].cap) {
					continue
				}
				surface := text(s, toks, i, i+n)
				if n == 1 && len(toks[i].s) <= 3 && (!toks[i].allCaps || shouting && si >= 0) {
					continue // "Us", "It" in a title
				}
				var kb [128]byte
				lk, _ := appendLowerKey(kb[:0], surface)
				if gi, ok := known[string(lk)]; ok {
					g := &groups[gi]
					g.addForm(surface)
					g.mentions++
					if si < g.first {
						g.first = si
					}
					if si == -1 {
						g.inTitle = true
					}
					matched = n
					break
				}
				if x.known(surface) {
					before := len(x.mentions)
					x.add(s, toks, i, i+n, si, false, false, false)
					if len(x.mentions) > before {
						m := &x.mentions[len(x.mentions)-1]
						m.weak = false
						gi := -1
						for gj := range groups {
							if !groups[gj].merged && groupKeyOf(&groups[gj]) == m.gkey {
								gi = gj
								break
							}
						}
						if gi < 0 {
							groups = append(groups, group{first: si, place: m.place, org: m.org, demonym: m.demonym})
							gi = len(groups) - 1
						}
						groups[gi].addMention(m)
						known[lowerKey(surface)] = gi
					}
					matched = n
				}
			}
			if matched == 0 {
				matched = 1
			}
			i += matched
		}
	}
	return groups
}

// groupKeyOf rebuilds the grouping key of a group's gazetteer identity.
func groupKeyOf(g *group) string {
	switch {
	case g.demonym != "":
		return "d:" + g.demonym
	case g.org != "":
		return "o:" + g.org
	case g.place != "":
		return "p:" + g.place
	}
	return ""
}

// entities turns the groups into the public result, most salient first.
func (x *extractor) entities(groups []group) []Entity {
	out := make([]Entity, 0, len(groups))
	for gi := range groups {
		g := &groups[gi]
		if g.merged || g.mentions == 0 {
			continue
		}
		if g.weak == g.mentions && g.place == "" && g.org == "" && g.demonym == "" {
			continue
		}
		t := g.typ()
		name := g.fullest()
		if (t == Other && g.demonym != "") || (t == Place && g.place != "") {
			// "Syria" rather than "Syrian Arab Republic".
			name = mostFrequent(g.forms)
		}
		// Names only seen in capitals take the gazetteer's case: "IRAN".
		switch {
		case t == Place && g.place != "" && (isShouted(name) || strings.EqualFold(name, g.place)):
			name = g.place
		case t == Org && g.org != "" && isShouted(name):
			name = g.org
		}
		e := Entity{
			Name:          name,
			Type:          t,
			Mentions:      g.mentions,
			FirstSentence: g.first,
			InTitle:       g.inTitle,
		}
		switch {
		case t == Place && g.place != "":
			e.Key = string(Place) + ":" + Fold(g.place)
		case t == Org && g.org != "":
			e.Key = string(Org) + ":" + Fold(g.org)
		default:
			e.Key = KeyOf(name, t)
		}
		for _, f := range g.forms {
			if f.text != name && !containsString(e.Aliases, f.text) {
				e.Aliases = append(e.Aliases, f.text)
			}
		}
		e.Salience = salience(&e)
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entity) int {
		if c := cmp.Compare(b.Salience, a.Salience); c != 0 {
			return c
		}
		if c := cmp.Compare(a.FirstSentence, b.FirstSentence); c != 0 {
			return c
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

func mostFrequent(fs []form) string {
	fs = plainForms(fs)
	best := fs[0]
	for _, f := range fs[1:] {
		if f.count > best.count || (f.count == best.count && len(f.text) > len(best.text)) {
			best = f
		}
	}
	return best.text
}

// plainForms drops forms written in capitals ("SYRIA" from a headline)
// when the text also has the name in ordinary case.
func plainForms(fs []form) []form {
	shouted := 0
	for _, f := range fs {
		if isShouted(f.text) {
			shouted++
		}
	}
	if shouted == 0 || shouted == len(fs) {
		return fs
	}
	plain := make([]form, 0, len(fs)-shouted)
	for _, f := range fs {
		if !isShouted(f.text) {
			plain = append(plain, f)
		}
	}
	return plain
}

// isShouted reports whether s is capitals only and longer than an
// acronym.
func isShouted(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters > 4
}

func containsString(a []string, s string) bool {
	for _, x := range a {
		if x == s {
			return true
		}
	}
	return false
}

// salience grows with mentions, with an early first mention and with a
// title mention; nationalities and other words count half, since "Syrian"
// says less about what a story is about than "Syria" does.
func salience(e *Entity) float64 {
	s := float64(e.Mentions) + 1/float64(e.FirstSentence+3)
	if e.InTitle {
		s += 1.5
	}
	if e.Type == Other {
		s *= 0.5
	}
	return s
}
