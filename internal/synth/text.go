package synth

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"storyline/internal/article"
)

// Article shape.
const (
	minWords = 150
	maxWords = 600
	// lengthSkew > 1 makes short articles commoner than long ones, as in
	// news (mean about 320 words).
	lengthSkew = 1.6
)

// Shares, in permille, of article features.
const (
	bylinePermille  = 180 // "By Firstname Lastname" first paragraph
	trailerPermille = 100 // "Reporting by ...; Editing by ..." last paragraph
	datedPermille   = 550 // the text states the event's date
	quotePermille   = 180 // a sentence is a quotation
	paraPermille    = 380 // a paragraph ends after a sentence
)

// minCopyBytes is the least body a trimmed copy keeps: at about seven bytes
// a word, minWords words.
const minCopyBytes = 7 * minWords

var suffixes = [3]string{"s", "ed", "ing"}

// Most English sentences open with a function word or a common noun, and a
// capitalised word the entity tagger does not know would be taken for a
// name: open most sentences with one of these.
const starterPermille = 650

var starters = strings.Fields(`the the the the a a in in but it he she they this on after officials police
that some many at for while when as there we its his her their however according`)

// art is the state of the article being written.
type art struct {
	ev *event
	// Per-1024 shares of running words that are event words, topic words
	// and entity mentions; they vary by article, as some reports stick to
	// the event and others wander into background.
	pe, pt, pn int
	mentioned  uint32 // actors already introduced by full name
	words      int
}

func (g *gen) newArt(ev *event) art {
	return art{ev: ev, pe: g.r.between(40, 110), pt: g.r.between(30, 70), pn: 22}
}

// article writes the next article of ev: an original, or a near-duplicate
// of an earlier original of the same event.
func (g *gen) article(ev *event) article.Article {
	g.emitted++
	dup := false
	if ev.norig > 0 {
		// Only articles whose event already has an original can be copies;
		// raise the chance by the running share of such articles so that
		// copies make up dupRate of the whole stream.
		g.eligible++
		share := (float64(g.eligible) + 75) / (float64(g.emitted) + 100)
		dup = g.r.float() < g.dupRate/share
	}
	src := g.lx.outletPop.sample(&g.r)
	var title, text string
	if dup {
		o := &ev.origs[g.r.intn(ev.norig)]
		for src == o.source {
			src = g.lx.outletPop.sample(&g.r)
		}
		title, text = g.duplicate(ev, o, src)
		g.stats.dups++
	} else {
		var lede int
		title, text, lede = g.original(ev, src)
		i := ev.norig
		if i < maxOrigs {
			ev.norig++
		} else {
			i = g.r.intn(maxOrigs)
		}
		ev.origs[i] = orig{title: title, text: text, lede: lede, source: src}
	}

	g.ubuf = append(g.ubuf[:0], 'a')
	g.ubuf = appendPadded(g.ubuf, g.emitted, 8)
	id := string(g.ubuf)
	out := &g.lx.outlets[src]
	return article.Article{
		ID:     id,
		Title:  title,
		Text:   text,
		URL:    g.url(out, title),
		Source: out.name,
		Lang:   "en",
		Date:   g.date,
		Origin: "synth:" + strconv.Itoa(g.emitted),
		Gold:   article.Gold{Event: ev.label, Topic: ev.topic.label},
	}
}

// original writes a new article of ev. lede is the offset just past its
// byline and lead sentence, where a copy may splice in its own.
func (g *gen) original(ev *event, src int) (title, text string, lede int) {
	r := &g.r
	st := g.newArt(ev)
	g.buf = g.buf[:0]
	if r.permille(bylinePermille) {
		g.byline()
	}
	target := minWords + int(float64(maxWords-minWords)*math.Pow(r.float(), lengthSkew))
	dateAt := -1 // which sentence states the date: 0 is the lead
	if r.permille(datedPermille) {
		dateAt = 0
		if r.intn(2) == 0 {
			dateAt = r.between(1, 5)
		}
	}
	g.lede(&st, dateAt == 0)
	lede = len(g.buf)
	inPara := 1
	if r.permille(700) {
		// The lead is usually a paragraph of its own.
		inPara = 9
	}
	for sent := 1; st.words < target; sent++ {
		if inPara >= 4 || r.permille(paraPermille) || inPara > 8 {
			g.buf = append(g.buf, '\n')
			inPara = 0
		} else {
			g.buf = append(g.buf, ' ')
		}
		if r.permille(quotePermille) {
			g.quote(&st, sent == dateAt)
		} else {
			g.sentence(&st, sent == dateAt)
		}
		inPara++
	}
	if r.permille(trailerPermille) {
		g.buf = append(g.buf, "\nReporting by "...)
		g.name()
		g.buf = append(g.buf, "; Editing by "...)
		g.name()
	}
	text = string(g.buf)
	title = g.title(&st, src)
	return title, text, lede
}

// duplicate writes a syndicated copy of o: a new lead sentence, a trimmed
// ending, or both, so that it is near but never equal to the original.
func (g *gen) duplicate(ev *event, o *orig, src int) (title, text string) {
	r := &g.r
	rest := o.text[o.lede:]
	newLede := true
	trim := true
	switch u := r.intn(100); {
	case u < 40:
		trim = false
	case u < 65:
		newLede = false
	}
	cut := len(rest)
	if trim {
		// Drop the last one or two paragraphs (or, failing that, the last
		// sentence) while keeping at least 60% of the body, and enough of it
		// that the copy is still a full-length article.
		keep := max(len(rest)*6/10, minCopyBytes)
		for range r.between(1, 2) {
			i := strings.LastIndexByte(rest[:cut], '\n')
			if i < keep {
				break
			}
			cut = i
		}
		if cut == len(rest) {
			if i := strings.LastIndex(rest[:len(rest)-1], ". "); i >= keep {
				cut = i + 1
			}
		}
	}
	if cut == len(rest) {
		newLede = true
	}
	g.buf = g.buf[:0]
	if newLede {
		st := g.newArt(ev)
		if r.permille(bylinePermille) {
			g.byline()
		}
		g.lede(&st, r.permille(300))
	} else {
		g.buf = append(g.buf, o.text[:o.lede]...)
	}
	g.buf = append(g.buf, rest[:cut]...)
	text = string(g.buf)

	switch u := r.intn(100); {
	case u < 60:
		title = o.title
	case u < 85:
		// Aggregators and some outlets append their name.
		title = o.title + " - " + g.lx.outlets[src].name
	default:
		st := g.newArt(ev)
		title = g.title(&st, src)
	}
	return title, text
}

// capitalize upper-cases the byte at i if it is a lower-case letter.
func (g *gen) capitalize(i int) {
	if i < len(g.buf) && g.buf[i] >= 'a' && g.buf[i] <= 'z' {
		g.buf[i] -= 'a' - 'A'
	}
}

func (g *gen) byline() {
	g.buf = append(g.buf, "By "...)
	g.name()
	g.buf = append(g.buf, '\n')
}

// name writes a random "Firstname Lastname", a reporter or editor.
func (g *gen) name() {
	g.buf = append(g.buf, g.lx.firsts[g.r.intn(len(g.lx.firsts))]...)
	g.buf = append(g.buf, ' ')
	g.buf = append(g.buf, g.lx.lasts[g.r.intn(len(g.lx.lasts))]...)
}

// lede writes the lead sentence: who, what, where and maybe when, with
// twice the usual share of event words.
func (g *gen) lede(st *art, dated bool) {
	r := &g.r
	start := len(g.buf)
	pe := st.pe
	st.pe = min(2*pe, 400)
	switch r.intn(3) {
	case 0: // Actor did this in Place on Tuesday, more.
		g.mention(st, 0)
		g.buf = append(g.buf, ' ')
		g.run(st, r.between(4, 9))
		g.buf = append(g.buf, " in "...)
		g.place(st)
		if dated {
			g.buf = append(g.buf, ' ')
			g.datePhrase(st.ev)
		}
		g.buf = append(g.buf, ", "...)
		g.run(st, r.between(3, 8))
	case 1: // This happened in Place on Tuesday, Actor said.
		g.run(st, r.between(6, 12))
		g.buf = append(g.buf, " in "...)
		g.place(st)
		if dated {
			g.buf = append(g.buf, ' ')
			g.datePhrase(st.ev)
		}
		g.buf = append(g.buf, ", "...)
		g.mention(st, 0)
		g.buf = append(g.buf, " said"...)
	default: // The Org did this to Actor on Tuesday.
		g.org(st)
		g.buf = append(g.buf, ' ')
		g.run(st, r.between(3, 7))
		g.buf = append(g.buf, ' ')
		g.mention(st, 0)
		g.buf = append(g.buf, ' ')
		g.run(st, r.between(3, 8))
		if dated {
			g.buf = append(g.buf, ' ')
			g.datePhrase(st.ev)
		}
	}
	g.buf = append(g.buf, '.')
	g.capitalize(start)
	st.pe = pe
}

// sentence writes a sentence of running text, with the event's date at a
// random place when dated.
func (g *gen) sentence(st *art, dated bool) {
	r := &g.r
	start := len(g.buf)
	n := r.between(8, 28)
	if r.permille(starterPermille) {
		g.buf = append(g.buf, starters[r.intn(len(starters))]...)
		g.buf = append(g.buf, ' ')
		n--
	}
	if !dated {
		g.run(st, n)
	} else {
		k := r.intn(n)
		if k > 0 {
			g.run(st, k)
			g.buf = append(g.buf, ' ')
		}
		g.datePhrase(st.ev)
		g.buf = append(g.buf, ' ')
		g.run(st, n-k)
	}
	g.buf = append(g.buf, '.')
	g.capitalize(start)
}

// quote writes a quotation attributed to one of the event's actors.
func (g *gen) quote(st *art, dated bool) {
	r := &g.r
	g.buf = append(g.buf, '"')
	start := len(g.buf)
	g.run(st, r.between(6, 18))
	g.capitalize(start)
	g.buf = append(g.buf, ",\" "...)
	who := r.skewed(len(st.ev.actors))
	if r.intn(2) == 0 {
		g.mention(st, who)
		g.buf = append(g.buf, " said"...)
	} else {
		g.buf = append(g.buf, "said "...)
		g.mention(st, who)
	}
	if dated {
		g.buf = append(g.buf, ' ')
		g.datePhrase(st.ev)
	}
	g.buf = append(g.buf, '.')
}

// run writes n words of running text separated by spaces: event words,
// topic words, entity mentions, numbers and background words, with an
// occasional comma. This is the hot loop: one or two random draws and an
// append per word.
func (g *gen) run(st *art, n int) {
	lx := g.lx
	ev := st.ev
	r := &g.r
	pe, pt, pn := st.pe, st.pe+st.pt, st.pe+st.pt+st.pn
	b := g.buf
	for i := range n {
		if i > 0 {
			b = append(b, ' ')
		}
		u := r.next()
		switch sel := int(u & 1023); {
		case sel < pe:
			b = appendWord(b, lx, ev.words[r.skewed(len(ev.words))], u)
		case sel < pt:
			b = appendWord(b, lx, ev.topic.words[r.intn(len(ev.topic.words))], u)
		case sel < pn:
			g.buf = b
			g.entity(st, u>>10)
			b = g.buf
		case sel < pn+6:
			g.buf = b
			g.number(u >> 10)
			b = g.buf
		default:
			b = appendWord(b, lx, int32(lx.zipf.sample(r)), u)
		}
		if (u>>40)&31 == 0 && i < n-1 {
			b = append(b, ',')
		}
	}
	g.buf = b
	st.words += n
}

// word writes the word of rank w; a synthetic word is sometimes inflected,
// so that stemming has forms to merge.
func (g *gen) word(w int32, u uint64) { g.buf = appendWord(g.buf, g.lx, w, u) }

// appendWord is word on a local buffer, for the hot loop: writing g.buf
// once per word would cost a write barrier each time.
func appendWord(b []byte, lx *lexicon, w int32, u uint64) []byte {
	e := lx.entry[w]
	n := len(b)
	if cap(b)-n < 16 {
		b = slices.Grow(b, 4096)
	}
	// Every word is shorter than 16 bytes: copy 16 and keep the word.
	b = b[:n+16]
	*(*[16]byte)(b[n:]) = *(*[16]byte)(lx.packed[e>>8:])
	b = b[:n+int(e&31)]
	if e&(1<<7) != 0 && (u>>20)&7 == 0 {
		b = append(b, suffixes[(u>>23)%3]...)
	}
	return b
}

// entity writes a mention of one of the event's people, its place after a
// place cue, or an organisation.
func (g *gen) entity(st *art, u uint64) {
	switch k := u % 20; {
	case k < 9:
		g.mention(st, g.r.skewed(len(st.ev.actors)))
	case k < 15:
		g.buf = append(g.buf, placeCues[(u>>5)%uint64(len(placeCues))]...)
		g.buf = append(g.buf, ' ')
		g.place(st)
	default:
		g.org(st)
	}
}

// mention writes actor i of the event: by role and full name the first
// time in an article, by surname (sometimes with its title) after that.
func (g *gen) mention(st *art, i int) {
	p := st.ev.actors[i]
	rl := roles[p.role]
	if st.mentioned&(1<<i) == 0 {
		st.mentioned |= 1 << i
		if rl.text != "" {
			g.buf = append(g.buf, rl.text...)
			g.buf = append(g.buf, ' ')
		}
		g.buf = append(g.buf, g.lx.firsts[p.first]...)
		g.buf = append(g.buf, ' ')
	} else if rl.title && g.r.intn(4) == 0 {
		g.buf = append(g.buf, rl.text...)
		g.buf = append(g.buf, ' ')
	}
	g.buf = append(g.buf, g.lx.lasts[p.last]...)
}

// place writes the event's place, or now and then another of its topic's.
func (g *gen) place(st *art) {
	p := st.ev.place
	if g.r.intn(5) == 0 {
		ps := st.ev.topic.places
		p = ps[g.r.intn(len(ps))]
	}
	g.buf = append(g.buf, g.lx.places[p]...)
}

// org writes the event's organisation, or one of its topic's.
func (g *gen) org(st *art) {
	o := st.ev.org
	if o < 0 || g.r.intn(3) == 0 {
		os := st.ev.topic.orgs
		o = os[g.r.intn(len(os))]
	}
	if g.lx.orgThe[o] {
		g.buf = append(g.buf, "the "...)
	}
	g.buf = append(g.buf, g.lx.orgs[o]...)
}

func (g *gen) number(u uint64) {
	switch u % 4 {
	case 0:
		g.buf = strconv.AppendUint(g.buf, u>>2%100, 10)
	case 1:
		g.buf = strconv.AppendUint(g.buf, 2+u>>2%97, 10)
		g.buf = append(g.buf, " percent"...)
	case 2:
		g.buf = strconv.AppendUint(g.buf, 1+u>>2%900, 10)
		g.buf = append(g.buf, " million"...)
	default:
		g.buf = strconv.AppendUint(g.buf, 1+u>>2%9, 10)
		g.buf = append(g.buf, ',')
		g.buf = appendPadded(g.buf, int(u>>8%1000), 3)
	}
}

// datePhrase writes the event's date as news copy does, relative to the
// day of publication or in full.
func (g *gen) datePhrase(ev *event) {
	d := ev.date
	switch g.r.intn(6) {
	case 0, 1:
		g.buf = append(g.buf, "on "...)
		g.buf = append(g.buf, weekdays[d.Weekday()]...)
	case 2:
		g.buf = append(g.buf, "on "...)
		g.buf = append(g.buf, months[d.Month()-1]...)
		g.buf = append(g.buf, ' ')
		g.buf = strconv.AppendInt(g.buf, int64(d.Day()), 10)
	case 3:
		g.buf = append(g.buf, "on "...)
		g.buf = append(g.buf, months[d.Month()-1]...)
		g.buf = append(g.buf, ' ')
		g.buf = strconv.AppendInt(g.buf, int64(d.Day()), 10)
		g.buf = append(g.buf, ", "...)
		g.buf = strconv.AppendInt(g.buf, int64(d.Year()), 10)
	case 4:
		g.buf = append(g.buf, "on "...)
		g.buf = append(g.buf, weekdays[d.Weekday()]...)
		g.buf = append(g.buf, ", "...)
		g.buf = append(g.buf, months[d.Month()-1]...)
		g.buf = append(g.buf, ' ')
		g.buf = strconv.AppendInt(g.buf, int64(d.Day()), 10)
	default:
		switch g.day - ev.start {
		case 0:
			g.buf = append(g.buf, "early on "...)
		case 1:
			g.buf = append(g.buf, "yesterday"...)
			return
		default:
			g.buf = append(g.buf, "late on "...)
		}
		g.buf = append(g.buf, weekdays[d.Weekday()]...)
	}
}

// title writes a 6–12 word headline of the article: often the main actor or
// place, mostly event words, in the outlet's headline style.
func (g *gen) title(st *art, src int) string {
	r := &g.r
	// Headlines are written into buf past the text, then copied out.
	base := len(g.buf)
	n := r.between(6, 12)
	words := 0
	if r.permille(500) {
		p := st.ev.actors[0]
		if rl := roles[p.role]; rl.title && r.intn(3) == 0 {
			g.buf = append(g.buf, rl.text...)
			g.buf = append(g.buf, ' ')
			words += strings.Count(rl.text, " ") + 1
		}
		g.buf = append(g.buf, g.lx.lasts[p.last]...)
		words++
	}
	inPlace := r.permille(300) && n-words >= 4
	if inPlace {
		words += 2
	}
	// Headlines do not repeat a content word.
	var used [12]int32
	nused := 0
	for words < n {
		u := r.next()
		var w int32
		switch k := u % 100; {
		case k < 40:
			w = st.ev.words[r.skewed(len(st.ev.words))]
		case k < 55:
			w = st.ev.topic.words[r.intn(len(st.ev.topic.words))]
		default:
			// Headlines use the short, common words: resample the tail away.
			w = int32(g.lx.zipf.sample(r))
			for w >= 3000 {
				w = int32(g.lx.zipf.sample(r))
			}
		}
		if g.lx.synthetic[w] {
			if slices.Contains(used[:nused], w) {
				continue
			}
			if nused < len(used) {
				used[nused] = w
				nused++
			}
		}
		if len(g.buf) > base {
			g.buf = append(g.buf, ' ')
		}
		g.word(w, u>>8)
		words++
	}
	if inPlace {
		g.buf = append(g.buf, " in "...)
		g.place(st)
	}
	h := g.buf[base:]
	if g.lx.outlets[src].titleCase {
		titleCase(h)
	} else if h[0] >= 'a' && h[0] <= 'z' {
		h[0] -= 'a' - 'A'
	}
	title := string(h)
	g.buf = g.buf[:base]
	return title
}

// titleCase capitalises every word of h but short function words inside it.
func titleCase(h []byte) {
	for i := 0; i < len(h); {
		j := i
		for j < len(h) && h[j] != ' ' {
			j++
		}
		if c := h[i]; c >= 'a' && c <= 'z' && (i == 0 || !smallWord(string(h[i:j]))) {
			h[i] -= 'a' - 'A'
		}
		i = j + 1
	}
}

func smallWord(w string) bool {
	switch w {
	case "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "by", "with", "as", "from":
		return true
	}
	return false
}

// url makes the article's address from its outlet, date and headline.
func (g *gen) url(out *outlet, title string) string {
	b := append(g.ubuf[:0], "https://"...)
	b = append(b, out.domain...)
	b = append(b, '/')
	b = appendPadded(b, g.date.Year(), 4)
	b = append(b, '/')
	b = appendPadded(b, int(g.date.Month()), 2)
	b = append(b, '/')
	b = appendPadded(b, g.date.Day(), 2)
	b = append(b, '/')
	words := 0
	dash := false
	for i := 0; i < len(title) && words < 8; i++ {
		c := title[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			if dash {
				b = append(b, '-')
				dash = false
			}
			b = append(b, c)
		case c == ' ':
			words++
			dash = true
		}
	}
	b = append(b, '-')
	b = appendPadded(b, g.emitted, 8)
	g.ubuf = b
	return string(b)
}

// appendPadded appends n in decimal, zero-padded to width digits.
func appendPadded(b []byte, n, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for range width - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}
