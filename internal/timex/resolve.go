package timex

import "time"

// Calendar arithmetic on UTC midnights. Everything here is plain time.Date
// and AddDate, which is what keeps Extract two orders of magnitude faster
// than a general-purpose date parser.

func dayT(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func validDay(y int, m time.Month, d int) bool {
	return m >= time.January && m <= time.December && d >= 1 && d <= daysIn(y, m)
}

// onOrBefore is the news reading of a bare weekday: the latest such day not
// after ref, ref itself when it is that weekday.
func onOrBefore(ref time.Time, wd time.Weekday) time.Time {
	back := (int(ref.Weekday()) - int(wd) + 7) % 7
	return ref.AddDate(0, 0, -back)
}

// strictlyBefore reads "last Tuesday": never ref itself.
func strictlyBefore(ref time.Time, wd time.Weekday) time.Time {
	d := onOrBefore(ref, wd)
	if d.Equal(ref) {
		d = d.AddDate(0, 0, -7)
	}
	return d
}

// strictlyAfter reads "next Friday" and "this coming Friday".
func strictlyAfter(ref time.Time, wd time.Weekday) time.Time {
	fwd := (int(wd) - int(ref.Weekday()) + 7) % 7
	if fwd == 0 {
		fwd = 7
	}
	return ref.AddDate(0, 0, fwd)
}

// mondayOf starts the ISO (Monday-first) week containing t.
func mondayOf(t time.Time) time.Time {
	back := (int(t.Weekday()) + 6) % 7
	return t.AddDate(0, 0, -back)
}

// inWeekOf reads "this Wednesday": the Wednesday of ref's Monday-first week.
func inWeekOf(ref time.Time, wd time.Weekday) time.Time {
	return mondayOf(ref).AddDate(0, 0, (int(wd)+6)%7)
}

func monthStart(t time.Time, delta int) time.Time {
	return time.Date(t.Year(), t.Month()+time.Month(delta), 1, 0, 0, 0, 0, time.UTC)
}

func absDays(a, b time.Time) int {
	d := int(a.Sub(b).Hours() / 24)
	if d < 0 {
		return -d
	}
	return d
}

// nearestYear places a year-less month and day in the year that puts it
// nearest to ref; on a tie the earlier date wins because news mostly reports
// the past.
func nearestYear(ref time.Time, m time.Month, d int) (time.Time, bool) {
	var best time.Time
	found := false
	for y := ref.Year() - 1; y <= ref.Year()+1; y++ {
		if !validDay(y, m, d) {
			continue
		}
		t := dayT(y, m, d)
		if !found || absDays(t, ref) < absDays(best, ref) {
			best, found = t, true
		}
	}
	return best, found
}

// maxDay is the largest day a month can have in any year, to reject
// "Feb. 30" before a year is known.
func maxDay(m time.Month) int {
	if m == time.February {
		return 29
	}
	return daysIn(2001, m)
}
