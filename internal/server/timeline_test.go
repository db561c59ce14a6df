package server

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"storyline/internal/report"
)

// ev is a test event dated d ("" for undated) with n articles.
func ev(id, d string, n int) report.Event {
	e := report.Event{ID: id, Title: "Event " + id, Articles: make([]report.Article, n)}
	if d != "" {
		e.Date = &d
	}
	return e
}

func TestPlotTimeline(t *testing.T) {
	const left, right = plotMargin, plotWidth - plotMargin
	tests := []struct {
		name   string
		events []report.Event
		x      map[string]float64 // marker centres by event
		lanes  map[string]int     // marker lanes by event; unlisted ones are in lane 0
		ticks  []string           // tick labels
		label  string
	}{
		{
			name:   "a single event",
			events: []report.Event{ev("e1", "2023-05-19", 3)},
			x:      map[string]float64{"e1": plotWidth / 2},
			ticks:  []string{"18 May 2023", "19 May", "20 May"},
			label:  "Timeline of 1 dated event, on 19 May 2023",
		},
		{
			name:   "events on the same day",
			events: []report.Event{ev("e1", "2023-05-19", 1), ev("e2", "2023-05-19", 4), ev("e3", "2023-05-19", 30)},
			x:      map[string]float64{"e1": plotWidth / 2, "e2": plotWidth / 2, "e3": plotWidth / 2},
			lanes:  map[string]int{"e2": 1, "e3": 2},
			ticks:  []string{"18 May 2023", "19 May", "20 May"},
			label:  "Timeline of 3 dated events, on 19 May 2023",
		},
		{
			name:   "a span of one day",
			events: []report.Event{ev("e1", "2023-05-19", 2), ev("e2", "2023-05-20", 1)},
			x:      map[string]float64{"e1": left, "e2": right},
			ticks:  []string{"19 May 2023", "20 May"},
			label:  "Timeline of 2 dated events, from 19 May 2023 to 20 May 2023",
		},
		{
			name: "a week, undated events and bad dates left out, order restored",
			events: []report.Event{ev("e3", "2023-05-26", 1), ev("u", "", 2), ev("e1", "2023-05-19", 4),
				ev("bad", "May 2023", 1), ev("e2", "2023-05-20", 1)},
			x:     map[string]float64{"e1": left, "e2": left + (right-left)/7, "e3": right},
			ticks: []string{"19 May 2023", "20 May", "21 May", "22 May", "23 May", "24 May", "25 May", "26 May"},
			label: "Timeline of 3 dated events, from 19 May 2023 to 26 May 2023",
		},
		{
			name:   "weeks start on Mondays",
			events: []report.Event{ev("e1", "2024-02-07", 1), ev("e2", "2024-03-20", 1)}, // a Wednesday to a Wednesday
			ticks:  []string{"5 Feb 2024", "12 Feb", "19 Feb", "26 Feb", "4 Mar", "11 Mar", "18 Mar", "25 Mar"},
		},
		{
			name:   "months across a new year",
			events: []report.Event{ev("e1", "2022-11-10", 1), ev("e2", "2023-03-01", 1)},
			ticks:  []string{"Nov 2022", "Dec", "Jan 2023", "Feb", "Mar"},
		},
		{
			name:   "quarters",
			events: []report.Event{ev("e1", "2022-02-10", 1), ev("e2", "2023-09-01", 1)},
			ticks:  []string{"Jan 2022", "Apr", "Jul", "Oct", "Jan 2023", "Apr", "Jul", "Oct"},
		},
		{
			name: "a span of years, with close events lifted",
			events: []report.Event{ev("e1", "2019-03-10", 1), ev("e2", "2019-03-11", 1), ev("e3", "2019-03-12", 12),
				ev("e4", "2021-06-01", 2), ev("e5", "2023-11-02", 1)},
			lanes: map[string]int{"e2": 1, "e3": 2},
			ticks: []string{"2019", "2020", "2021", "2022", "2023", "2024"},
			label: "Timeline of 5 dated events, from 10 March 2019 to 2 November 2023",
		},
		{
			name:   "centuries",
			events: []report.Event{ev("e1", "1066-10-14", 1), ev("e2", "2023-05-19", 1)},
			ticks:  []string{"1000", "1200", "1400", "1600", "1800", "2000", "2200"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plotTimeline(tt.events)
			if p == nil {
				t.Fatal("no plot")
			}
			var labels []string
			for i, tk := range p.Ticks {
				labels = append(labels, tk.Label)
				if tk.X < p.X0-0.05 || tk.X > p.X1+0.05 || (i > 0 && tk.X <= p.Ticks[i-1].X) {
					t.Errorf("tick %s at %v, off the axis %v–%v or out of order", tk.Date, tk.X, p.X0, p.X1)
				}
			}
			if !slices.Equal(labels, tt.ticks) {
				t.Errorf("ticks %q, want %q", labels, tt.ticks)
			}
			if tt.label != "" && p.Label != tt.label {
				t.Errorf("label %q, want %q", p.Label, tt.label)
			}
			if p.X0 != left || p.X1 != right || p.Ticks[0].X != p.X0 || p.Ticks[len(p.Ticks)-1].X != p.X1 || p.AxisY <= 0 || p.Height <= p.AxisY || p.LabelY >= p.Height {
				t.Errorf("axis %v–%v at %v, labels at %v, in a plot %v high", p.X0, p.X1, p.AxisY, p.LabelY, p.Height)
			}

			var dated []report.Event
			for _, e := range tt.events {
				if e.Date != nil && e.ID != "bad" {
					dated = append(dated, e)
				}
			}
			if len(p.Markers) != len(dated) {
				t.Fatalf("%d markers, want one for each of %d dated events", len(p.Markers), len(dated))
			}
			for i, m := range p.Markers {
				if i > 0 && m.Date < p.Markers[i-1].Date {
					t.Errorf("marker %s (%s) after %s", m.Event, m.Date, p.Markers[i-1].Date)
				}
				if x, ok := tt.x[m.Event]; ok && math.Abs(m.X-x) > 0.05 {
					t.Errorf("marker %s at x %v, want %v", m.Event, m.X, x)
				}
				if m.Lane != tt.lanes[m.Event] {
					t.Errorf("marker %s in lane %d, want %d", m.Event, m.Lane, tt.lanes[m.Event])
				}
				if want := fmt.Sprintf("%s — Event %s", day(&m.Date), m.Event); m.Tooltip != want {
					t.Errorf("tooltip %q, want %q", m.Tooltip, want)
				}
				if m.R < minRadius || m.R > maxRadius {
					t.Errorf("marker %s of radius %v", m.Event, m.R)
				}
				// Inside the plot, over the axis, above it.
				if m.X < p.X0 || m.X > p.X1 || m.X-m.R < 0 || m.X+m.R > p.Width || m.Y-m.R < 0 || m.Y+m.R >= p.AxisY {
					t.Errorf("marker %s at (%v, %v) r %v sticks out of the plot %v×%v (axis at %v)", m.Event, m.X, m.Y, m.R, p.Width, p.Height, p.AxisY)
				}
			}
			checkLayout(t, p)
		})
	}
}

// checkLayout checks that every marker stays clickable, no two overlapping,
// and that every label stands clear of the others and of the markers, inside
// the plot, a title or the start of one.
func checkLayout(t *testing.T, p *timelinePlot) {
	t.Helper()
	for i, m := range p.Markers {
		for _, o := range p.Markers[:i] {
			if math.Hypot(m.X-o.X, m.Y-o.Y) < m.R+o.R {
				t.Errorf("markers %s and %s overlap: (%v, %v) r %v and (%v, %v) r %v", o.Event, m.Event, o.X, o.Y, o.R, m.X, m.Y, m.R)
			}
		}
		if m.Text == "" {
			continue
		}
		if m.Text != m.Title && !(strings.HasSuffix(m.Text, "…") && strings.HasPrefix(m.Title, strings.TrimSuffix(m.Text, "…"))) {
			t.Errorf("marker %s labelled %q, not its title %q", m.Event, m.Text, m.Title)
		}
		a, b := textExtent(m)
		if a < 0 || b > p.Width || m.TextY-m.Y != labelRise {
			t.Errorf("marker %s's label %q spans %v–%v at %v, out of the plot or away from the marker at %v", m.Event, m.Text, a, b, m.TextY, m.Y)
		}
		for _, o := range p.Markers {
			if o.Lane != m.Lane {
				continue
			}
			if o.X+o.R > a && o.X-o.R < b {
				t.Errorf("marker %s's label %q (%v–%v) runs into marker %s at %v r %v", m.Event, m.Text, a, b, o.Event, o.X, o.R)
			}
			if oa, ob := textExtent(o); o.Event != m.Event && o.Text != "" && oa < b && ob > a {
				t.Errorf("labels %q (%v–%v) and %q (%v–%v) overlap", m.Text, a, b, o.Text, oa, ob)
			}
		}
	}
}

// textExtent is how far a marker's label is guessed to run.
func textExtent(m plotMarker) (a, b float64) {
	w := float64(utf8.RuneCountInString(m.Text)) * charWidth
	if m.TextAnchor == "end" {
		return m.TextX - w, m.TextX
	}
	return m.TextX, m.TextX + w
}

func TestPlotTimelineLabels(t *testing.T) {
	long := func(id, d, title string) report.Event {
		e := ev(id, d, 1)
		e.Title = title
		return e
	}
	tests := []struct {
		name   string
		events []report.Event
		want   map[string]string // label by event, "" for none
		anchor map[string]string
	}{
		{
			name: "room on both sides",
			events: []report.Event{long("a", "2023-05-19", "Kishida hosts G7 summit in Hiroshima"),
				long("b", "2023-05-26", "Japan pledges more aid to Ukraine after summit")},
			want:   map[string]string{"a": "Kishida hosts G7 summit in Hiroshima", "b": "Japan pledges more aid to Ukraine after summit"},
			anchor: map[string]string{"a": "start", "b": "end"},
		},
		{
			name: "crowded",
			events: []report.Event{long("a", "2023-01-01", "A very long headline about the first event of the year"),
				long("b", "2023-02-20", "Second"),
				long("c", "2023-03-01", "A long headline about the third event, close to the second"),
				long("d", "2023-03-02", "Fourth, lifted to the next lane above the third"),
				long("e", "2023-12-31", "The last event of the year, at the right end of the axis")},
			// a has too little room before b, so b goes on its left; d
			// is lifted off c, so both have room; e is cut short.
			want: map[string]string{"a": "", "b": "Second", "c": "A long headline about the third event, close to the second",
				"d": "Fourth, lifted to the next lane above the third", "e": "The last event of…"},
			anchor: map[string]string{"b": "end", "c": "start", "d": "start", "e": "end"},
		},
		{
			name:   "short titles",
			events: []report.Event{long("a", "2023-01-01", "One"), long("b", "2023-01-02", "Two"), long("c", "2023-01-03", "Three")},
			want:   map[string]string{"a": "One", "b": "Two", "c": "Three"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plotTimeline(tt.events)
			for _, m := range p.Markers {
				if want, ok := tt.want[m.Event]; ok && m.Text != want {
					t.Errorf("marker %s labelled %q, want %q", m.Event, m.Text, want)
				}
				if want, ok := tt.anchor[m.Event]; ok && m.TextAnchor != want {
					t.Errorf("marker %s's label anchored at its %s, want %s", m.Event, m.TextAnchor, want)
				}
			}
			checkLayout(t, p)
		})
	}
}

func TestPlotTimelineSizes(t *testing.T) {
	p := plotTimeline([]report.Event{ev("a", "2023-01-01", 1), ev("b", "2023-06-01", 4), ev("c", "2023-12-01", 100)})
	r := map[string]float64{}
	for _, m := range p.Markers {
		r[m.Event] = m.R
	}
	if !(r["a"] == minRadius && r["a"] < r["b"] && r["b"] < r["c"] && r["c"] == maxRadius) {
		t.Errorf("radii by articles 1, 4, 100: %v", r)
	}
}

func TestPlotTimelineNothingDated(t *testing.T) {
	for _, events := range [][]report.Event{nil, {ev("u", "", 1)}, {ev("bad", "someday", 1)}} {
		if p := plotTimeline(events); p != nil {
			t.Errorf("plot of %d undated events: %+v", len(events), p)
		}
	}
}

// TestPlotTimelineMany is a storyline of many events, several a day: every
// marker is placed, none overlaps, and the ticks stay few.
func TestPlotTimelineMany(t *testing.T) {
	var events []report.Event
	for i := range 120 {
		events = append(events, ev(fmt.Sprint(i), fmt.Sprintf("2023-%02d-%02d", 1+i%12, 1+i%28), 1+i%9))
	}
	p := plotTimeline(events)
	if len(p.Markers) != len(events) || len(p.Ticks) == 0 || len(p.Ticks) > maxTicks {
		t.Fatalf("%d markers for %d events, %d ticks", len(p.Markers), len(events), len(p.Ticks))
	}
	checkLayout(t, p)
}
