package timex

import (
	"errors"
	"fmt"
	"strings"
	"time"

	dateparser "github.com/markusmobius/go-dateparser"
	"github.com/markusmobius/go-dateparser/date"
)

// ConfParsed is ParseDay's confidence for a day that only go-dateparser
// understood: generic parsing of an odd format ("13.09.2021") is usually
// right but less certain than the scanner's patterns.
const ConfParsed = 0.85

// ErrNoDate reports that a string holds no date that can be had without
// guessing, so callers can tell "not a date" from a parser failure.
var ErrNoDate = errors.New("timex: no date")

// ParseDay resolves one short string that is expected to be a date as a
// whole (a caption, a dateline, a metadata field) rather than searching
// running text. The scanner is tried first; formats it does not know go to
// go-dateparser's Parse, which costs about a thousand times more, so this is
// meant for odd leftovers, not for bulk text. As in Extract, an expression
// that needs ref is refused when ref is zero.
func ParseDay(s string, ref time.Time) (Mention, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Mention{}, fmt.Errorf("parse day %q: %w", s, ErrNoDate)
	}
	var best Mention
	for _, m := range Extract(s, ref) {
		if m.Confidence > best.Confidence {
			best = m
		}
	}
	if best.Confidence > 0 && 2*len(best.Text) >= len(s) {
		return best, nil
	}
	m, err := parseWithDateparser(s, ref)
	if err != nil {
		if best.Confidence > 0 {
			return best, nil
		}
		return Mention{}, fmt.Errorf("parse day %q: %w", s, err)
	}
	return m, nil
}

// parseWithDateparser parses s twice against two different "now"s: a result
// that moves with the reference is relative, which must not be returned when
// ref is unknown (dateparser would silently resolve it against today).
func parseWithDateparser(s string, ref time.Time) (Mention, error) {
	probe := time.Date(2001, time.March, 14, 12, 0, 0, 0, time.UTC)
	now := probe.AddDate(1, 5, 9)
	if !ref.IsZero() {
		now = time.Date(ref.Year(), ref.Month(), ref.Day(), 12, 0, 0, 0, time.UTC)
	}
	cfg := dateparser.Configuration{
		Languages:       []string{"en"},
		DateOrder:       dateparser.MDY,
		DefaultTimezone: time.UTC,
		CurrentTime:     now,
	}
	d, err := dateparser.Parse(&cfg, s)
	if err != nil {
		return Mention{}, fmt.Errorf("dateparser: %w", err)
	}
	if d.IsZero() {
		return Mention{}, ErrNoDate
	}
	cfg.CurrentTime = probe
	d2, err2 := dateparser.Parse(&cfg, s)
	relative := err2 != nil || !sameCalendarPeriod(d, d2)
	if relative && ref.IsZero() {
		return Mention{}, fmt.Errorf("relative date without a reference: %w", ErrNoDate)
	}
	t := d.Time
	m := Mention{Text: s, End: len(s), Relative: relative, Confidence: ConfParsed}
	switch d.Period {
	case date.Year:
		m.Granularity, m.Confidence = Year, ConfYear
		m.Date = dayT(t.Year(), time.January, 1)
	case date.Month:
		m.Granularity, m.Confidence = Month, ConfMonthYear
		m.Date = dayT(t.Year(), t.Month(), 1)
	default:
		m.Granularity = Day
		m.Date = dayT(t.Year(), t.Month(), t.Day()) // the calendar day as written, in its own zone
		if relative {
			m.Confidence = ConfFutureWeekday
		}
	}
	return m, nil
}

func sameCalendarPeriod(a, b date.Date) bool {
	if a.Period != b.Period || a.Time.Year() != b.Time.Year() {
		return false
	}
	switch a.Period {
	case date.Year:
		return true
	case date.Month:
		return a.Time.Month() == b.Time.Month()
	}
	return a.Time.Month() == b.Time.Month() && a.Time.Day() == b.Time.Day()
}
