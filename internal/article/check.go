package article

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// maxControlRatio is the share of control bytes above which a file is taken
// for binary: text in any encoding has only a few (tabs, line ends).
const maxControlRatio = 0.30

// Publication dates outside [minYear, now+maxFutureSkew] are typos or
// placeholders (0001-01-01, 2099-12-31); trusting them would misplace the
// article on every timeline, so readers drop them with a warning.
const (
	minYear        = 1900
	maxFutureSkew  = 48 * time.Hour
	undatedSuffix  = "; article kept undated"
	binaryNULError = "binary file (contains NUL bytes), skipped"
)

// checkBinary rejects content that is not text: any NUL byte, or more than
// maxControlRatio control bytes other than tab, line feed, carriage return
// and form feed.
func checkBinary(data []byte) error {
	if bytes.IndexByte(data, 0) >= 0 {
		return errors.New(binaryNULError)
	}
	if len(data) == 0 {
		return nil
	}
	control := 0
	for _, b := range data {
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7f {
			control++
		}
	}
	if ratio := float64(control) / float64(len(data)); ratio > maxControlRatio {
		return fmt.Errorf("binary file (%.0f%% control bytes), skipped", 100*ratio)
	}
	return nil
}

// checkDate says why a publication date cannot be trusted, or nil. now is
// passed in so that callers and tests agree on one clock.
func checkDate(d, now time.Time) error {
	switch {
	case d.IsZero():
		return nil
	case d.Year() < minYear:
		return fmt.Errorf("date %s is before %d%s", d.Format(time.DateOnly), minYear, undatedSuffix)
	case d.After(now.Add(maxFutureSkew)):
		return fmt.Errorf("date %s is in the future%s", d.Format(time.DateOnly), undatedSuffix)
	}
	return nil
}

// utcDay truncates a timestamp to its UTC calendar day, the resolution an
// Article keeps.
func utcDay(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// datedOrWarn returns d if checkDate accepts it, else the zero Time and a
// Problem with field "date" for the caller to place.
func datedOrWarn(d, now time.Time) (time.Time, *Problem) {
	if err := checkDate(d, now); err != nil {
		return time.Time{}, &Problem{Field: "date", Err: err}
	}
	return d, nil
}
