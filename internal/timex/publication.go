package timex

import "time"

// Lead window and fallback confidences used by EventDay.
const (
	// LeadBytes caps the lead EventDay reads: the happening is dated in the
	// first sentences, later dates are background.
	LeadBytes = 600
	// LeadSentences is how many sentences of the lead EventDay reads.
	LeadSentences = 3
	// ConfEventFallback is EventDay's confidence when the lead names no day
	// and the publication day stands in: most news reports same-day or
	// previous-day happenings, but not all.
	ConfEventFallback = 0.5
)

// historyDays bounds how far before the latest explicit date another date
// may lie and still be a publication-day candidate: anniversaries and
// background ("the Sept. 11, 2001, attacks") are years older.
const historyDays = 366

// InferPublication estimates the publication day of an article that came
// without one, so that its relative expressions can still be resolved. Only
// full explicit dates with a year count (photo captions and datelines such as
// "Monday, Sept. 13, 2021" repeat it); a year is never guessed. Dates much
// older than the latest one are background and ignored; among the rest the
// most frequent wins (weekday-led dates, typical of captions, weigh more) and
// ties go to the latest. The confidence grows with repetition and agreement.
func InferPublication(text string) (time.Time, float64, bool) {
	type cand struct {
		d time.Time
		w float64
		n int
	}
	var cs []cand
	for _, m := range Extract(text, time.Time{}) {
		if m.Granularity != Day || m.Relative {
			continue
		}
		w := m.Confidence
		if k, _ := lookupWord(leadingWord(m.Text)); k == kwWeekday || k == kwWeekdayAbbr {
			w *= 1.5
		}
		found := false
		for i := range cs {
			if cs[i].d.Equal(m.Date) {
				cs[i].w += w
				cs[i].n++
				found = true
				break
			}
		}
		if !found {
			cs = append(cs, cand{d: m.Date, w: w, n: 1})
		}
	}
	if len(cs) == 0 {
		return time.Time{}, 0, false
	}
	latest := cs[0].d
	for _, c := range cs[1:] {
		if c.d.After(latest) {
			latest = c.d
		}
	}
	floor := latest.AddDate(0, 0, -historyDays)
	best, total := -1, 0
	for i, c := range cs {
		if c.d.Before(floor) {
			continue
		}
		total += c.n
		if best < 0 || c.w > cs[best].w || c.w == cs[best].w && c.d.After(cs[best].d) {
			best = i
		}
	}
	b := cs[best]
	conf := min(0.5+0.1*float64(b.n-1), 0.8)
	if b.n == total {
		conf += 0.1
	}
	return b.d, conf, true
}

func leadingWord(s string) string {
	i := 0
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	return s[:i]
}

// EventDay dates the happening an article reports, which is what clustering
// by story needs: a report published Wednesday about a visit "on Tuesday"
// belongs with Tuesday's coverage. It reads the lead (the first
// LeadSentences sentences, at most LeadBytes bytes) for the first confident
// day-granularity mention within [pub-14 days, pub+1 day] and otherwise falls
// back to pub with ConfEventFallback. A zero pub is replaced by
// InferPublication's estimate, whose confidence scales the result; false
// means no day can be had without guessing.
func EventDay(text string, pub time.Time) (time.Time, float64, bool) {
	pubConf := 1.0
	if pub.IsZero() {
		p, c, ok := InferPublication(text)
		if !ok {
			return time.Time{}, 0, false
		}
		pub, pubConf = p, c
	}
	pub = time.Date(pub.Year(), pub.Month(), pub.Day(), 0, 0, 0, 0, time.UTC)
	end := leadEnd(text)
	// A mention that starts inside the lead may run past its end.
	ms := Extract(text[:min(len(text), end+64)], pub)
	lo, hi := pub.AddDate(0, 0, -14), pub.AddDate(0, 0, 1)
	var best *Mention
	for i := range ms {
		m := &ms[i]
		if m.Start >= end || m.Granularity != Day || m.Date.Before(lo) || m.Date.After(hi) {
			continue
		}
		if m.Confidence >= 0.6 {
			return m.Date, m.Confidence * pubConf, true
		}
		if best == nil || m.Confidence > best.Confidence {
			best = m
		}
	}
	if best != nil {
		return best.Date, best.Confidence * pubConf, true
	}
	return pub, ConfEventFallback * pubConf, true
}

// leadEnd is the byte offset ending the lead: the end of the third sentence
// or LeadBytes, whichever comes first. Paragraph breaks end sentences too
// (headlines and datelines lack a full stop).
func leadEnd(text string) int {
	limit := min(len(text), LeadBytes)
	sentences := 0
	lastEnd := -1 // offset just after the last counted sentence end
	for i := 0; i < limit; i++ {
		c := text[i]
		switch {
		case c == '.' || c == '!' || c == '?':
			next := i + 1
			for next < len(text) && (text[next] == '"' || text[next] == '\'' || text[next] == ')') {
				next++
			}
			if next < len(text) && text[next] != ' ' && text[next] != '\n' && text[next] != '\t' && text[next] != '\r' {
				if !hasPrefixAt(text, next, "\u201d") && !hasPrefixAt(text, next, "\u2019") {
					continue
				}
			}
			if c == '.' && abbreviationBefore(text, i) {
				continue
			}
		case c == '\n' && i+1 < len(text) && text[i+1] == '\n':
			if lastEnd >= 0 && onlySpace(text[lastEnd:i]) {
				continue
			}
			if onlySpace(text[:i]) {
				continue
			}
		default:
			continue
		}
		sentences++
		lastEnd = i + 1
		if sentences == LeadSentences {
			return i + 1
		}
	}
	return limit
}

func hasPrefixAt(s string, i int, p string) bool {
	return len(s)-i >= len(p) && s[i:i+len(p)] == p
}

func onlySpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\n', '\t', '\r', '"', '\'':
		default:
			return false
		}
	}
	return true
}

// abbreviationBefore tells a full stop ending an abbreviation or initial
// ("Sept.", "Mr.", "U.S.", "p.m.") from one ending a sentence.
func abbreviationBefore(text string, dot int) bool {
	j := dot
	for j > 0 && isLetter(text[j-1]) {
		j--
	}
	w := text[j:dot]
	if len(w) == 1 {
		return true
	}
	if len(w) == 0 || len(w) > 5 {
		return false
	}
	var buf [5]byte
	for i := 0; i < len(w); i++ {
		buf[i] = w[i] | 0x20
	}
	switch string(buf[:len(w)]) {
	case "mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "st", "jr", "sr",
		"inc", "corp", "co", "ltd", "no", "vs", "prof", "rev", "ft", "mt", "atty", "dept", "est", "adm", "maj",
		"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
		"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun":
		return true
	}
	return false
}
