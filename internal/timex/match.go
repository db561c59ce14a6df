package timex

import (
	"strings"
	"time"
)

// hit is one matcher's verdict at a token: end > start means the tokens up to
// end are consumed; emit tells whether they yield a mention (a trap such as
// "Black Friday", or a weekday without a reference, is consumed silently so
// that no shorter reading of the same words is tried).
type hit struct {
	end  int
	m    Mention
	emit bool
}

func (s *scanner) matchAt(i int) hit {
	t := &s.toks[i]
	switch t.kind {
	case tkNum, tkOrd:
		if h := s.numericDate(i); h.end > i {
			return h
		}
		if h := s.dayFirst(i); h.end > i {
			return h
		}
		return s.ago(i)
	case tkWord:
		switch t.kw {
		case kwMonth, kwMonthAbbr:
			return s.monthFirst(i)
		case kwWeekday, kwWeekdayAbbr:
			return s.weekday(i)
		case kwNumWord:
			return s.ago(i)
		case kwPrep:
			return s.prepYear(i)
		case kwLast, kwThis, kwNext:
			return s.modified(i)
		case kwEarlier:
			return s.earlier(i)
		case kwYesterday, kwToday, kwTonight, kwTomorrow:
			return s.relDay(i)
		case kwThe:
			return s.theDay(i)
		case kwOver:
			return s.overWeekend(i)
		}
	}
	return hit{}
}

// --- token helpers ---

func (s *scanner) at(j int) *token {
	if j < 0 || j >= len(s.toks) {
		return nil
	}
	return &s.toks[j]
}

// glued reports whether token j touches the token before it.
func (s *scanner) glued(j int) bool {
	return j > 0 && j < len(s.toks) && s.toks[j].start == s.toks[j-1].end
}

func (s *scanner) isPunct(j int, r rune) bool {
	t := s.at(j)
	return t != nil && t.kind == tkPunct && t.val == int(r)
}

func (s *scanner) isDash(j int) bool {
	t := s.at(j)
	return t != nil && t.kind == tkPunct && (t.val == '-' || t.val == 0x2013 || t.val == 0x2014)
}

func (s *scanner) kwAt(j int) kwClass {
	t := s.at(j)
	if t == nil || t.kind != tkWord {
		return kwNone
	}
	return t.kw
}

func (s *scanner) word(j int, w string) bool {
	t := s.at(j)
	return t != nil && t.kind == tkWord && t.end-t.start == len(w) && strings.EqualFold(s.text[t.start:t.end], w)
}

func (s *scanner) wordIn(j int, ws ...string) bool {
	for _, w := range ws {
		if s.word(j, w) {
			return true
		}
	}
	return false
}

// mk builds a mention spanning tokens [a, b).
func (s *scanner) mk(a, b int, d time.Time, g Granularity, rel bool, conf float64) Mention {
	start, end := s.toks[a].start, s.toks[b-1].end
	return Mention{Text: s.text[start:end], Start: start, End: end, Date: d, Granularity: g, Relative: rel, Confidence: conf}
}

func (s *scanner) emit(a, b int, d time.Time, g Granularity, rel bool, conf float64) hit {
	return hit{end: b, m: s.mk(a, b, d, g, rel, conf), emit: true}
}

// extend widens a mention to start at token a.
func (s *scanner) extend(h hit, a int) hit {
	start := s.toks[a].start
	h.m.Start = start
	h.m.Text = s.text[start:h.m.End]
	return h
}

// dayAt accepts a day of month: 1..31 written with at most two digits or as
// an ordinal, and not a percentage, a time or a fraction.
func (s *scanner) dayAt(j int) (int, bool) {
	t := s.at(j)
	if t == nil || !(t.kind == tkOrd || t.kind == tkNum && t.digits <= 2) || t.val < 1 || t.val > 31 {
		return 0, false
	}
	if nt := s.at(j + 1); nt != nil && nt.start == t.end && nt.kind == tkPunct &&
		(nt.val == '%' || nt.val == ':' || nt.val == '/') {
		return 0, false
	}
	if s.wordIn(j+1, "percent", "per") {
		return 0, false
	}
	return t.val, true
}

// yearAt accepts a four-digit year in 1900..2100; numbers outside that range
// are far more often counts ("1500 people") than years in news.
func (s *scanner) yearAt(j int) (int, bool) {
	t := s.at(j)
	if t == nil || t.kind != tkNum || t.digits != 4 || t.val < 1900 || t.val > 2100 {
		return 0, false
	}
	if s.isPunct(j+1, '%') && s.glued(j+1) || s.wordIn(j+1, "percent") {
		return 0, false
	}
	return t.val, true
}

// monthAt accepts a capitalized month name; lower-case "may" and "march" are
// a modal and a verb, never months.
func (s *scanner) monthAt(j int) (time.Month, bool, bool) {
	t := s.at(j)
	if t == nil || t.kind != tkWord || !t.upper || (t.kw != kwMonth && t.kw != kwMonthAbbr) {
		return 0, false, false
	}
	return time.Month(t.val), t.kw == kwMonthAbbr, true
}

// --- absolute dates ---

// fullDate emits a date whose day, month and year were all written.
func (s *scanner) fullDate(a, b, y int, m time.Month, d int) hit {
	if !validDay(y, m, d) {
		return hit{end: b}
	}
	return s.emit(a, b, dayT(y, m, d), Day, false, ConfFullDate)
}

// yearless emits "Jan. 7" in the year nearest the reference, or nothing when
// there is no reference: a year is never guessed.
func (s *scanner) yearless(a, b int, m time.Month, d int) hit {
	if d > maxDay(m) || !s.hasRef {
		return hit{end: b}
	}
	// "the Sept. 11 attacks", "the Jan. 6 committee": a date used as a name
	// points at some past year, not the one nearest the article.
	if s.wordIn(b, "attack", "attacks", "attackers", "committee", "commission", "panel", "riot", "riots",
		"rioters", "insurrection", "anniversary", "memorial", "massacre", "uprising", "movement", "era") {
		return hit{end: b + 1}
	}
	t, ok := nearestYear(s.ref, m, d)
	if !ok {
		return hit{end: b}
	}
	return s.emit(a, b, t, Day, true, ConfYearless)
}

// monthFirst matches "Sept. 13, 2021", "January 18th", "Jan. 7",
// "Sept. 13-14, 2021", "September 2015", "September of 2015" and
// "September last year".
func (s *scanner) monthFirst(i int) hit {
	mon, abbr, ok := s.monthAt(i)
	if !ok {
		return hit{}
	}
	j := i + 1
	if abbr && s.isPunct(j, '.') && s.glued(j) {
		j++
	}
	if d, ok := s.dayAt(j); ok {
		end := j + 1
		if s.isDash(end) {
			if _, ok := s.dayAt(end + 1); ok {
				end += 2
			}
		}
		y := end
		if s.isPunct(y, ',') {
			y++
		}
		if year, ok := s.yearAt(y); ok {
			return s.fullDate(i, y+1, year, mon, d)
		}
		return s.yearless(i, end, mon, d)
	}
	y := j
	if s.isPunct(y, ',') {
		y++
	}
	if s.word(y, "of") {
		y++
	}
	if year, ok := s.yearAt(y); ok {
		return s.emit(i, y+1, dayT(year, mon, 1), Month, false, ConfMonthYear)
	}
	if k := s.kwAt(j); (k == kwLast || k == kwThis) && s.kwAt(j+1) == kwUnit && s.toks[j+1].val == unitYear &&
		s.word(j+1, "year") {
		if !s.hasRef {
			return hit{end: j + 2}
		}
		year := s.ref.Year()
		if k == kwLast {
			year--
		}
		return s.emit(i, j+2, dayT(year, mon, 1), Month, true, ConfMonthYear)
	}
	return hit{}
}

// dayFirst matches "13 September 2021", "13th of September", "13-14 Sept.".
func (s *scanner) dayFirst(i int) hit {
	if p := s.at(i - 1); p != nil && p.end == s.toks[i].start && p.kind == tkPunct {
		switch p.val {
		case '$', '#', '.', ',', ':', '/', '-', '+', 0x00a3, 0x20ac: // £ €
			return hit{}
		}
	}
	d, ok := s.dayAt(i)
	if !ok {
		return hit{}
	}
	j := i + 1
	if s.isDash(j) {
		if _, ok := s.dayAt(j + 1); ok {
			j += 2
		}
	}
	if s.word(j, "of") {
		j++
	}
	mon, abbr, ok := s.monthAt(j)
	if !ok {
		return hit{}
	}
	k := j + 1
	if abbr && s.isPunct(k, '.') && s.glued(k) {
		k++
	}
	y := k
	if s.isPunct(y, ',') {
		y++
	}
	if year, ok := s.yearAt(y); ok {
		return s.fullDate(i, y+1, year, mon, d)
	}
	return s.yearless(i, k, mon, d)
}

// numericDate matches ISO "2021-09-13" (also with "/" or a "T" time) and US
// "9/13/2021"; a first number above 12 reads day-first, and when both could
// be months the month-first reading gets a lower confidence.
func (s *scanner) numericDate(i int) hit {
	t := &s.toks[i]
	if t.kind != tkNum {
		return hit{}
	}
	if p := s.at(i - 1); p != nil && p.end == t.start && (p.kind != tkPunct || p.val == '/' || p.val == '-' || p.val == '.') {
		return hit{}
	}
	sep := s.at(i + 1)
	if sep == nil || sep.kind != tkPunct || (sep.val != '-' && sep.val != '/') || !s.glued(i+1) {
		return hit{}
	}
	b, c := s.at(i+2), s.at(i+4)
	if b == nil || c == nil || b.kind != tkNum || c.kind != tkNum || !s.glued(i+2) || !s.glued(i+3) || !s.glued(i+4) ||
		!s.isPunct(i+3, rune(sep.val)) {
		return hit{}
	}
	if n := s.at(i + 5); n != nil && s.glued(i+5) && n.kind == tkPunct && (n.val == '-' || n.val == '/') {
		return hit{} // a longer numeric run, a phone number or a path
	}
	switch {
	case t.digits == 4 && b.digits <= 2 && c.digits <= 2:
		if t.val < 1900 || t.val > 2100 {
			return hit{}
		}
		return s.fullDate(i, i+5, t.val, time.Month(b.val), c.val)
	case sep.val == '/' && t.digits <= 2 && b.digits <= 2 && c.digits == 4:
		if c.val < 1900 || c.val > 2100 {
			return hit{}
		}
		m, d, conf := t.val, b.val, ConfFullDate
		switch {
		case m > 12 && d <= 12:
			m, d = d, m
		case m <= 12 && d <= 12 && m != d:
			conf = ConfAmbiguousNumeric
		}
		h := s.fullDate(i, i+5, c.val, time.Month(m), d)
		if h.emit {
			h.m.Confidence = conf
		}
		return h
	}
	return hit{}
}

// prepYear matches a bare year after a preposition: "in 2017", "since 2009",
// "mid-2019". Without the preposition a four-digit number is too often a
// count, a model number or an adjective ("the 2016 election").
func (s *scanner) prepYear(i int) hit {
	j := i + 1
	if s.isDash(j) && s.glued(j) {
		j++
	}
	year, ok := s.yearAt(j)
	if !ok {
		return hit{}
	}
	end := j + 1
	if n := s.at(j + 1); n != nil && s.glued(j+1) && n.kind == tkPunct && (n.val == '-' || n.val == '/') {
		// A season ("in 2017-18") is dated by its first year; anything
		// longer ("in 2021-09-13") is left to the numeric matcher.
		nn := s.at(j + 2)
		if nn == nil || !s.glued(j+2) || nn.kind != tkNum || nn.digits != 2 ||
			s.glued(j+3) && (s.isPunct(j+3, '-') || s.isPunct(j+3, '/')) {
			return hit{}
		}
		end = j + 3
	}
	return s.emit(j, end, dayT(year, time.January, 1), Year, false, ConfYear)
}

// --- weekdays ---

// weekday matches "Monday, Sept. 13, 2021", "Tues., Jan. 7", "Tuesday",
// "Tuesday night".
func (s *scanner) weekday(i int) hit {
	t := &s.toks[i]
	wd := time.Weekday(t.val)
	abbr := t.kw == kwWeekdayAbbr
	if abbr && !t.upper {
		return hit{}
	}
	j := i + 1
	if abbr && s.isPunct(j, '.') && s.glued(j) {
		j++
	}
	if s.isPunct(j, ',') {
		j++
	}
	var h hit
	if nt := s.at(j); nt != nil {
		switch {
		case nt.kind == tkWord && (nt.kw == kwMonth || nt.kw == kwMonthAbbr):
			h = s.monthFirst(j)
		case nt.kind == tkNum || nt.kind == tkOrd:
			h = s.dayFirst(j)
		}
	}
	if h.end > j && (!h.emit || h.m.Granularity == Day) {
		if !h.emit {
			return h
		}
		h = s.extend(h, i)
		switch {
		case h.m.Date.Weekday() == wd && h.m.Relative:
			h.m.Confidence = ConfWeekday
		case h.m.Date.Weekday() != wd && h.m.Relative:
			h.m.Confidence = ConfYearless - 0.1
		case h.m.Date.Weekday() != wd:
			h.m.Confidence = ConfWeekdayMismatch
		}
		return h
	}
	if abbr {
		return hit{}
	}
	end := i + 1
	if s.kwAt(end) == kwPartOfDay {
		end++
	}
	if s.weekdayTrap(i) || !s.hasRef {
		return hit{end: end}
	}
	return s.emit(i, end, onOrBefore(s.ref, wd), Day, true, ConfWeekday)
}

// weekdayTrap recognizes weekday names that do not name a day of the
// article's week: holidays, newspapers, TV shows, habits and narrative
// references to some other week.
func (s *scanner) weekdayTrap(i int) bool {
	if p := s.at(i - 1); p != nil && p.kind == tkWord {
		if p.upper && s.wordIn(i-1, "black", "good", "cyber", "super", "ash", "easter", "palm", "holy", "maundy",
			"bloody", "giving", "shrove", "whit", "fat", "girl", "man", "business") {
			return true
		}
		if s.wordIn(i-1, "every", "each", "following", "previous", "same") {
			return true
		}
		if s.word(i-1, "on") && s.word(i-2, "mail") {
			return true
		}
	}
	if n := s.at(i + 1); n != nil && n.kind == tkWord {
		if n.upper && s.wordIn(i+1, "times", "telegraph", "express", "mirror", "herald", "post", "mail",
			"independent", "star", "sport", "people", "service") {
			return true
		}
		if s.wordIn(i+1, "school", "schools", "best") {
			return true
		}
		if n.upper && s.word(i+1, "night") {
			if nn := s.at(i + 2); nn != nil && nn.kind == tkWord && nn.upper {
				return true // Saturday Night Live, Monday Night Football
			}
		}
	}
	return false
}

// --- relative expressions ---

// modified matches expressions led by "last", "this" or "next": weekdays,
// "last night", "this morning", "last week/month/year", weekends, and named
// months ("last September").
func (s *scanner) modified(i int) hit {
	mode := s.toks[i].kw
	prevThe := s.kwAt(i-1) == kwThe
	j := i + 1
	if mode == kwThis && s.word(j, "past") {
		mode, j = kwLast, j+1
	} else if mode == kwThis && s.word(j, "coming") {
		mode, j = kwNext, j+1
	}
	nt := s.at(j)
	if nt == nil || nt.kind != tkWord {
		return hit{}
	}
	switch nt.kw {
	case kwWeekday:
		end := j + 1
		if s.kwAt(end) == kwPartOfDay {
			end++
		}
		// "the last Tuesday of the month", "the next Tuesday": not this week.
		if prevThe || s.word(j+1, "of") || !s.hasRef {
			return hit{end: end}
		}
		wd := time.Weekday(nt.val)
		switch mode {
		case kwLast:
			return s.emit(i, end, strictlyBefore(s.ref, wd), Day, true, ConfWeekday)
		case kwThis:
			return s.emit(i, end, inWeekOf(s.ref, wd), Day, true, ConfFutureWeekday)
		default:
			return s.emit(i, end, strictlyAfter(s.ref, wd), Day, true, ConfFutureWeekday)
		}
	case kwPartOfDay:
		if prevThe {
			return hit{}
		}
		switch {
		case mode == kwLast && s.word(j, "night"):
			if !s.hasRef {
				return hit{end: j + 1}
			}
			return s.emit(i, j+1, s.ref.AddDate(0, 0, -1), Day, true, ConfRelativeDay)
		case mode == kwThis && j == i+1:
			if !s.hasRef {
				return hit{end: j + 1}
			}
			return s.emit(i, j+1, s.ref, Day, true, ConfRelativeDay)
		}
	case kwUnit:
		if prevThe || nt.val == unitDay {
			return hit{} // "the last year" is a window; "next day" is narrative
		}
		if !s.hasRef {
			return hit{end: j + 1}
		}
		delta := 0
		switch mode {
		case kwLast:
			delta = -1
		case kwNext:
			delta = 1
		}
		switch nt.val {
		case unitWeek:
			return s.emit(i, j+1, mondayOf(s.ref).AddDate(0, 0, 7*delta), Week, true, ConfVague)
		case unitMonth:
			return s.emit(i, j+1, monthStart(s.ref, delta), Month, true, ConfVague)
		case unitYear:
			return s.emit(i, j+1, dayT(s.ref.Year()+delta, time.January, 1), Year, true, ConfVague)
		}
	case kwWeekend:
		if prevThe {
			return hit{}
		}
		if !s.hasRef {
			return hit{end: j + 1}
		}
		sat := mondayOf(s.ref).AddDate(0, 0, 5)
		switch mode {
		case kwLast:
			sat = sat.AddDate(0, 0, -7)
		case kwNext:
			sat = sat.AddDate(0, 0, 7)
		}
		return s.emit(i, j+1, sat, Day, true, ConfWeekend)
	case kwMonth:
		if !nt.upper || prevThe {
			return hit{}
		}
		if !s.hasRef {
			return hit{end: j + 1}
		}
		m := time.Month(nt.val)
		y := s.ref.Year()
		switch {
		case mode == kwLast && m >= s.ref.Month():
			y--
		case mode == kwNext && m <= s.ref.Month():
			y++
		}
		return s.emit(i, j+1, dayT(y, m, 1), Month, true, ConfMonthYear)
	}
	return hit{}
}

// earlier matches "earlier this month", "later this week", "earlier today".
func (s *scanner) earlier(i int) hit {
	var h hit
	switch s.kwAt(i + 1) {
	case kwThis:
		if s.kwAt(i+2) != kwUnit {
			return hit{}
		}
		h = s.modified(i + 1)
	case kwToday:
		h = s.relDay(i + 1)
	default:
		return hit{}
	}
	if h.emit {
		h = s.extend(h, i)
	}
	return h
}

// relDay matches "yesterday (morning)", "today", "tonight", "tomorrow".
func (s *scanner) relDay(i int) hit {
	t := &s.toks[i]
	end := i + 1
	if t.kw != kwTonight && s.kwAt(end) == kwPartOfDay {
		end++
	}
	if t.kw == kwToday {
		// USA Today, the Today show, "Today" programme.
		if s.word(i-1, "usa") || s.wordIn(i+1, "show", "programme", "program") || t.upper && s.kwAt(i-1) == kwThe {
			return hit{end: end}
		}
	}
	if !s.hasRef {
		return hit{end: end}
	}
	d := s.ref
	switch t.kw {
	case kwYesterday:
		d = d.AddDate(0, 0, -1)
	case kwTomorrow:
		d = d.AddDate(0, 0, 1)
	}
	return s.emit(i, end, d, Day, true, ConfRelativeDay)
}

// theDay matches "the day before yesterday" and "the day after tomorrow".
func (s *scanner) theDay(i int) hit {
	if !s.word(i+1, "day") {
		return hit{}
	}
	var delta int
	switch {
	case s.word(i+2, "before") && s.kwAt(i+3) == kwYesterday:
		delta = -2
	case s.word(i+2, "after") && s.kwAt(i+3) == kwTomorrow:
		delta = 2
	default:
		return hit{}
	}
	if !s.hasRef {
		return hit{end: i + 4}
	}
	return s.emit(i, i+4, s.ref.AddDate(0, 0, delta), Day, true, ConfRelativeDay)
}

// overWeekend matches "over the weekend": the Saturday of the latest weekend
// that has begun by the reference day.
func (s *scanner) overWeekend(i int) hit {
	if s.kwAt(i+1) != kwThe || s.kwAt(i+2) != kwWeekend {
		return hit{}
	}
	if !s.hasRef {
		return hit{end: i + 3}
	}
	return s.emit(i, i+3, onOrBefore(s.ref, time.Saturday), Day, true, ConfWeekend)
}

// ago matches "two days ago", "3 weeks ago", "a couple of months ago".
func (s *scanner) ago(i int) hit {
	t := &s.toks[i]
	n := t.val
	if t.kind == tkNum && (t.digits > 3 || n < 1) || t.kind != tkNum && t.kw != kwNumWord {
		return hit{}
	}
	j := i + 1
	if s.word(i, "a") && s.word(j, "couple") && s.word(j+1, "of") {
		n, j = 2, j+2
	}
	u := s.at(j)
	if u == nil || u.kw != kwUnit || s.kwAt(j+1) != kwAgo {
		return hit{}
	}
	end := j + 2
	if !s.hasRef {
		return hit{end: end}
	}
	switch u.val {
	case unitDay:
		return s.emit(i, end, s.ref.AddDate(0, 0, -n), Day, true, ConfDaysAgo)
	case unitWeek:
		return s.emit(i, end, mondayOf(s.ref.AddDate(0, 0, -7*n)), Week, true, ConfVague)
	case unitMonth:
		return s.emit(i, end, monthStart(s.ref, -n), Month, true, ConfVague)
	default:
		return s.emit(i, end, dayT(s.ref.Year()-n, time.January, 1), Year, true, ConfVague)
	}
}
