package server

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"storyline/internal/report"
)

// The timeline plot's geometry, in SVG user units. The plot is as wide as
// the page's text column (52rem less its padding, at 16px); the stylesheet
// scales it down with the column, as far as its labels stay readable.
const (
	plotWidth  = 800.0
	plotMargin = 56.0 // left and right: room for the end ticks' labels
	plotTop    = 4.0  // above the highest marker
	axisGap    = 22.0 // from the axis up to the centre of the lowest marker
	laneHeight = 2*maxRadius + 4
	tickLength = 5.0
	labelDrop  = 20.0 // from the axis down to a tick label's baseline
	plotBottom = 28.0 // from the axis to the foot of the plot
	markerGap  = 3.0  // least space between two markers side by side
	minRadius  = 5.0  // a marker of one article
	maxRadius  = 12.0
	maxTicks   = 8
	// Markers are labelled with their titles where these fit in the lane.
	// Without font metrics a label's width is guessed from its length, at
	// a generous average for 12px sans-serif.
	charWidth     = 7.2
	labelPad      = 4.0 // between a marker and its label
	labelMinRunes = 12  // a shorter cut of a title is no label
	labelRise     = 4.0 // from a marker's centre down to its label's baseline
)

// A timelinePlot is a storyline's dated events on a time axis, laid out for
// the storyline page's SVG.
type timelinePlot struct {
	Width, Height float64
	AxisY         float64
	X0, X1        float64 // the axis's ends: the ticks around the first and the last date
	TickEnd       float64 // the foot of a tick's mark
	LabelY        float64 // the baseline of the tick labels
	Label         string  // what the plot shows, for its aria-label
	Ticks         []plotTick
	Markers       []plotMarker
}

// A plotTick is a labelled date on the axis.
type plotTick struct {
	X     float64
	Date  string // YYYY-MM-DD
	Label string
}

// A plotMarker is one dated event: a circle above the axis at its date,
// sized by its articles, lifted into a higher lane when it would overlap an
// earlier marker.
type plotMarker struct {
	Event   string // the event's id
	Date    string // YYYY-MM-DD
	Title   string
	Tooltip string // "19 May 2023 — title"
	Lane    int    // 0 next to the axis
	X, Y, R float64
	// Text is the title, shortened to fit, written beside the marker at
	// (TextX, TextY), anchored at its "start" or "end"; empty when no room.
	Text         string
	TextX, TextY float64
	TextAnchor   string
}

// plotTimeline lays out the dated events, in any order; undated events and
// dates that do not parse are left out. It returns nil when no event is
// left to draw.
func plotTimeline(events []report.Event) *timelinePlot {
	type dated struct {
		e    report.Event
		t    time.Time
		days float64
	}
	var ds []dated
	for _, e := range events {
		if e.Date == nil {
			continue
		}
		t, err := time.Parse(time.DateOnly, *e.Date)
		if err != nil {
			continue
		}
		ds = append(ds, dated{e: e, t: t, days: days(t)})
	}
	if len(ds) == 0 {
		return nil
	}
	slices.SortStableFunc(ds, func(a, b dated) int { return a.t.Compare(b.t) })

	first, last := ds[0].t, ds[len(ds)-1].t
	start, end := first, last
	if !end.After(start) {
		// One day: centre it, with a day either side.
		start, end = start.AddDate(0, 0, -1), end.AddDate(0, 0, 1)
	}
	// The axis runs from the tick at or before the first date to the tick
	// at or after the last, so that both its ends are labelled.
	ticks := axisTicks(start, end)
	start, end = ticks[0].t, ticks[len(ticks)-1].t
	d0, span := days(start), days(end)-days(start)
	x := func(d float64) float64 { return plotMargin + (plotWidth-2*plotMargin)*(d-d0)/span }

	p := &timelinePlot{Width: plotWidth, X0: round1(x(days(start))), X1: round1(x(days(end)))}
	for _, tk := range ticks {
		p.Ticks = append(p.Ticks, plotTick{X: round1(x(days(tk.t))), Date: tk.t.Format(time.DateOnly), Label: tk.label})
	}

	// Lanes: each marker goes into the lowest lane where it clears the
	// markers already there. The markers come in date order, so a lane's
	// rightmost edge is all there is to clear.
	var edges []float64
	for _, d := range ds {
		m := plotMarker{
			Event: d.e.ID, Date: *d.e.Date, Title: d.e.Title, Tooltip: day(d.e.Date) + " — " + d.e.Title,
			X: x(d.days), R: radius(len(d.e.Articles)),
		}
		m.Lane = len(edges)
		for i, edge := range edges {
			if m.X-m.R-markerGap >= edge {
				m.Lane = i
				break
			}
		}
		if m.Lane == len(edges) {
			edges = append(edges, math.Inf(-1))
		}
		edges[m.Lane] = max(edges[m.Lane], m.X+m.R)
		p.Markers = append(p.Markers, m)
	}
	p.AxisY = plotTop + maxRadius + float64(len(edges)-1)*laneHeight + axisGap
	p.Height = p.AxisY + plotBottom
	p.TickEnd, p.LabelY = p.AxisY+tickLength, p.AxisY+labelDrop
	labelMarkers(p.Markers, len(edges))
	for i := range p.Markers {
		m := &p.Markers[i]
		m.Y = p.AxisY - axisGap - float64(m.Lane)*laneHeight
		m.X, m.Y, m.R = round1(m.X), round1(m.Y), round1(m.R)
		if m.Text != "" {
			m.TextX, m.TextY = round1(m.TextX), m.Y+labelRise
		}
	}

	n := fmt.Sprintf("%d dated event", len(ds))
	if len(ds) != 1 {
		n += "s"
	}
	if first.Equal(last) {
		p.Label = fmt.Sprintf("Timeline of %s, on %s", n, first.Format("2 January 2006"))
	} else {
		p.Label = fmt.Sprintf("Timeline of %s, from %s to %s", n, first.Format("2 January 2006"), last.Format("2 January 2006"))
	}
	return p
}

// labelMarkers writes each marker's title beside it, in its lane: to the
// right when it fits before the next marker, else to the left when it fits
// after what is already there, else shortened on the side with more room, or
// not at all. The markers are in date order.
func labelMarkers(ms []plotMarker, lanes int) {
	used := make([]float64, lanes) // the right end of what each lane holds so far
	for i := range ms {
		m := &ms[i]
		right := plotWidth - labelPad
		for _, n := range ms[i+1:] {
			if n.Lane == m.Lane {
				right = n.X - n.R - labelPad
				break
			}
		}
		roomRight := right - (m.X + m.R + labelPad)
		roomLeft := (m.X - m.R - labelPad) - (used[m.Lane] + labelPad)
		title := []rune(m.Title)
		need := float64(len(title)) * charWidth
		switch {
		case need <= roomRight:
			m.Text, m.TextAnchor = string(title), "start"
		case need <= roomLeft:
			m.Text, m.TextAnchor = string(title), "end"
		default:
			room, anchor := roomRight, "start"
			if roomLeft > roomRight {
				room, anchor = roomLeft, "end"
			}
			if n := int(room / charWidth); n >= labelMinRunes {
				m.Text, m.TextAnchor = strings.TrimRight(string(title[:n-1]), " ,;:–—-")+"…", anchor
			}
		}
		end := m.X + m.R
		switch m.TextAnchor {
		case "start":
			m.TextX = m.X + m.R + labelPad
			end = m.TextX + float64(len([]rune(m.Text)))*charWidth
		case "end":
			m.TextX = m.X - m.R - labelPad
		}
		used[m.Lane] = max(used[m.Lane], end)
	}
}

// radius grows with the square root of the articles, so that a marker's
// area follows them, up to a cap.
func radius(articles int) float64 {
	return min(maxRadius, minRadius+2*math.Sqrt(float64(max(articles, 1)-1)))
}

// days is t's day number, as a float for positions.
func days(t time.Time) float64 { return float64(t.Unix()) / 86400 }

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// A tick is a date on the axis and its label.
type tick struct {
	t     time.Time
	label string
}

// A tickScale is a series of calendar dates: every step days, months or
// years.
type tickScale struct {
	unit byte // 'd', 'm' or 'y'
	step int
}

// axisTicks picks the finest calendar series that has at most maxTicks dates
// from the last at or before start to the first at or after end: days when
// the span is very short, then every other day, weeks, months, quarters,
// half-years, years and coarser years. The dates are those from the one to
// the other; start must be before end.
func axisTicks(start, end time.Time) []tick {
	scales := []tickScale{{'d', 1}, {'d', 2}, {'d', 7}, {'m', 1}, {'m', 2}, {'m', 3}, {'m', 6}}
	for step := 1; step <= 1_000_000; step *= 10 {
		scales = append(scales, tickScale{'y', step}, tickScale{'y', 2 * step}, tickScale{'y', 5 * step})
	}
	var dates []time.Time
	var scale tickScale
	for _, s := range scales {
		dates, scale = s.dates(start, end, maxTicks+1), s
		if len(dates) <= maxTicks {
			break
		}
	}
	out := make([]tick, len(dates))
	for i, t := range dates {
		// The year is written on the first tick and wherever it changes.
		newYear := i == 0 || t.Year() != dates[i-1].Year()
		var label string
		switch {
		case scale.unit == 'y':
			label = t.Format("2006")
		case scale.unit == 'm' && newYear:
			label = t.Format("Jan 2006")
		case scale.unit == 'm':
			label = t.Format("Jan")
		case newYear:
			label = t.Format("2 Jan 2006")
		default:
			label = t.Format("2 Jan")
		}
		out[i] = tick{t: t, label: label}
	}
	return out
}

// dates lists the scale's dates from the last at or before start to the
// first at or after end, at most limit of them. Weeks start on Mondays,
// other series on multiples of their step (days counted from 1970).
func (s tickScale) dates(start, end time.Time, limit int) []time.Time {
	t := s.floor(start)
	var out []time.Time
	for len(out) < limit {
		out = append(out, t)
		if !t.Before(end) {
			break
		}
		t = s.next(t)
	}
	return out
}

// floor is the scale's last date at or before t.
func (s tickScale) floor(t time.Time) time.Time {
	switch s.unit {
	case 'd':
		if s.step == 7 {
			return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
		}
		n := int(math.Floor(days(t)))
		return t.AddDate(0, 0, -mod(n, s.step))
	case 'm':
		n := t.Year()*12 + int(t.Month()) - 1
		n -= mod(n, s.step)
		return time.Date(n/12, time.Month(n%12+1), 1, 0, 0, 0, 0, time.UTC)
	default:
		y := t.Year() - mod(t.Year(), s.step)
		return time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC)
	}
}

// next is the scale's date after t, a date of the scale.
func (s tickScale) next(t time.Time) time.Time {
	switch s.unit {
	case 'd':
		return t.AddDate(0, 0, s.step)
	case 'm':
		return t.AddDate(0, s.step, 0)
	default:
		return t.AddDate(s.step, 0, 0)
	}
}

// mod is n modulo m, from 0 to m-1.
func mod(n, m int) int { return ((n % m) + m) % m }
