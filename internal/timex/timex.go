// Package timex finds temporal expressions in English news text and resolves
// them to calendar days, so that articles can be placed on a timeline and
// clustered by when the reported happening took place rather than when the
// text was fetched.
//
// Resolution is done by a hand-written scanner over a cheap tokenization of
// the text (no regular expressions and no text search by go-dateparser on the
// hot path): the pipeline processes thousands of articles per second, and the
// generic parsers are both two orders of magnitude slower and wrong on news
// idioms such as "last Tuesday" or "Tuesday night". go-dateparser is only used
// by ParseDay for single odd strings the scanner does not know.
//
// Every expression whose meaning depends on the publication date (weekdays,
// "yesterday", "two days ago", "Jan. 7" without a year) is resolved against a
// reference day and is never guessed when that reference is unknown.
package timex

import "time"

// Granularity is how precise a resolved date is; callers that place articles
// on a day axis should only trust Day.
type Granularity int

// The granularities. Week was added after Year so that the original values
// keep their meaning; a Week mention's Date is the Monday starting that week.
const (
	Day Granularity = iota
	Month
	Year
	Week
)

// String makes granularities readable in logs and test failures.
func (g Granularity) String() string {
	switch g {
	case Day:
		return "day"
	case Month:
		return "month"
	case Year:
		return "year"
	case Week:
		return "week"
	}
	return "granularity(?)"
}

// Confidence levels given to mentions. They rank how likely the resolved
// period is the one the writer meant, so that callers can threshold them:
// explicit dates are nearly certain, news-convention weekday resolution is
// usually right, year-less dates can land in the wrong year near New Year,
// and vague or year-only expressions merely hint at a period.
const (
	// ConfFullDate: day, month and year are all written ("Sept. 13, 2021").
	ConfFullDate = 0.95
	// ConfWeekdayMismatch: a full date whose written weekday contradicts it.
	ConfWeekdayMismatch = 0.85
	// ConfAmbiguousNumeric: "3/4/2021", read month-first as US news does.
	ConfAmbiguousNumeric = 0.8
	// ConfWeekday: a weekday resolved to the latest such day on or before
	// the reference ("on Tuesday", "last Tuesday", "Tuesday night").
	ConfWeekday = 0.8
	// ConfRelativeDay: "yesterday", "today", "tomorrow", "last night",
	// "the day before yesterday".
	ConfRelativeDay = 0.8
	// ConfDaysAgo: "two days ago"; writers round, so a little below a weekday.
	ConfDaysAgo = 0.75
	// ConfFutureWeekday: "next Friday", "this Wednesday", whose week is
	// ambiguous in English.
	ConfFutureWeekday = 0.7
	// ConfYearless: a month and day without a year ("January 18th").
	ConfYearless = 0.7
	// ConfMonthYear: a month with a year ("September 2015"), or a named
	// month anchored by "last"/"this"/"next"/"last year".
	ConfMonthYear = 0.5
	// ConfWeekend: "over the weekend", resolved to the Saturday.
	ConfWeekend = 0.5
	// ConfVague: "last week", "earlier this month", "three months ago".
	ConfVague = 0.4
	// ConfYear: a bare year introduced by a preposition ("in 2017").
	ConfYear = 0.3
)

// A Mention is one temporal expression found in text.
type Mention struct {
	Text        string
	Start, End  int       // byte offsets in the text
	Date        time.Time // UTC midnight of the first day of the period
	Granularity Granularity
	Relative    bool    // resolved against the reference date
	Confidence  float64 // 0..1, see the Conf* constants
}

// Extract finds temporal expressions in text so that callers can date the
// events an article talks about. ref is the article's publication day (its
// calendar date in its own location is used; the time of day is ignored) or
// the zero time when unknown, in which case expressions that need it are
// skipped rather than guessed.
//
// Mentions are returned in text order and never overlap. Text covers the
// expression including modifiers that change its meaning ("last Tuesday",
// "two days ago", "Monday, Sept. 13, 2021") but not plain prepositions ("on",
// "in"). A bare weekday means the latest such day on or before ref (news
// convention); "next"/"this coming" weekdays lie after ref; a year-less date
// takes the year that puts it nearest to ref.
func Extract(text string, ref time.Time) []Mention {
	s := newScanner(text, ref)
	defer freeScanner(s)
	var out []Mention
	for i := 0; i < len(s.toks); {
		h := s.matchAt(i)
		if h.end <= i {
			i++
			continue
		}
		if h.emit {
			out = append(out, h.m)
		}
		i = h.end
	}
	return out
}
