package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"storyline/internal/article"
	"storyline/internal/pipeline"
	"storyline/internal/report"
)

func runCommand() *cobra.Command {
	var asJSON, explain bool
	cmd := &cobra.Command{
		Use:   "run PATH...",
		Short: "Read articles (files or directories) and print their storylines, events and articles",
		Args:  cobra.MinimumNArgs(1),
	}
	config := configFlags(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&explain, "explain", false, "say for each article which event it joined and why")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := config()
		if err != nil {
			return err
		}
		arts, missing := readInputs(args)
		if len(arts) == 0 {
			return noArticles(args, missing)
		}
		p := pipeline.New(cfg)
		for _, d := range pipeline.AnalyzeAll(arts) {
			p.Add(d)
		}
		res := p.Result(pipeline.Options{Explain: explain})
		if asJSON {
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			if err := enc.Encode(res); err != nil {
				return err
			}
		} else {
			printResult(cmd.OutOrStdout(), res, explain)
		}
		// The result of the paths found is printed, and the command
		// still fails: a missing input is a mistake to be told of.
		return missing
	}
	return cmd
}

// noArticles is the error of a command that found no articles in paths,
// naming those that do not exist when missing says so.
func noArticles(paths []string, missing error) error {
	if missing != nil {
		return fmt.Errorf("no articles found in %s: %w", strings.Join(paths, ", "), missing)
	}
	return fmt.Errorf("no articles found in %s", strings.Join(paths, ", "))
}

// readArticles reads every article under paths, logging the problems met.
func readArticles(paths []string) []article.Article {
	arts, _ := readInputs(paths)
	return arts
}

// readInputs is readArticles for paths a user named: it also returns an
// error naming the paths that do not exist, for the command to fail once it
// has processed the others. A mistyped path must not pass for success.
func readInputs(paths []string) ([]article.Article, error) {
	var r article.Reader
	arts, problems := r.ReadAll(paths...)
	var missing []string
	for _, err := range problems {
		if errors.Is(err, article.ErrInvalidUTF8) {
			// The article was kept, its bad bytes replaced.
			slog.Warn("repaired input", "problem", err)
			continue
		}
		slog.Warn("skipped input", "problem", err)
		if p, ok := errors.AsType[*article.Problem](err); ok && p.Line == 0 && errors.Is(p.Err, fs.ErrNotExist) && slices.Contains(paths, p.Path) {
			missing = append(missing, p.Path)
		}
	}
	if len(missing) > 0 {
		return arts, fmt.Errorf("input not found: %s", strings.Join(missing, ", "))
	}
	return arts, nil
}

func printResult(w io.Writer, res report.Result, explain bool) {
	for _, s := range res.Storylines {
		n := 0
		for _, e := range s.Events {
			n += len(e.Articles)
		}
		fmt.Fprintf(w, "Storyline %s: %s (%d events, %d articles)\n", s.ID, s.Title, len(s.Events), n)
		if len(s.Timeline) > 0 {
			fmt.Fprintln(w, "  Timeline:")
			for _, t := range s.Timeline {
				fmt.Fprintf(w, "    %s  %s\n", t.Date, t.Title)
			}
		}
		for _, e := range s.Events {
			// One line per event keeps a long storyline scannable; the
			// storyline is already named above.
			fmt.Fprintf(w, "\n  Event %s  %s  %s\n", e.ID, dateOrUndated(e.Date, e.DateSource), e.Title)
			printEventDetails(w, "    ", e, explain)
		}
		fmt.Fprintln(w)
	}
}

// printEvent prints one event on its own, as storyline show does: with
// nothing around it, its header spells out what a storyline's list of
// events abbreviates or leaves to the storyline.
func printEvent(w io.Writer, e report.Event, explain bool) {
	fmt.Fprintf(w, "Event %s: %s\n", e.ID, e.Title)
	date := "undated"
	if e.Date != nil {
		date = *e.Date
		if e.DateSource == "inferred" {
			date += " (inferred from the articles' text)"
		}
	}
	fmt.Fprintf(w, "  Date: %s\n", date)
	fmt.Fprintf(w, "  Storyline: %s\n", e.Storyline)
	printEventDetails(w, "  ", e, explain)
}

// printEventDetails prints what an event is made of, each line after
// indent: its outlets, who and where, its summary and its articles.
func printEventDetails(w io.Writer, indent string, e report.Event, explain bool) {
	if len(e.Sources) > 0 {
		fmt.Fprintf(w, "%sSources: %s\n", indent, strings.Join(e.Sources, ", "))
	}
	if len(e.Entities) > 0 {
		fmt.Fprintf(w, "%sWho/where: %s\n", indent, entityLine(e.Entities, 8))
	}
	// A sentence names its article; the outlet, when known, says at a
	// glance whose words they are.
	outlet := make(map[string]string, len(e.Articles))
	for _, a := range e.Articles {
		outlet[a.ID] = a.Source
	}
	for _, sen := range e.Summary {
		from := sen.Article
		if o := outlet[sen.Article]; o != "" {
			from = o + ", " + sen.Article
		}
		fmt.Fprintf(w, "%s· %s [%s]\n", indent, sen.Text, from)
	}
	for _, a := range e.Articles {
		title := a.Title
		if title == "" {
			title = "(no headline)"
		}
		if a.Source != "" {
			title = a.Source + "  " + title
		}
		fmt.Fprintf(w, "%s- %s  %s  %s\n", indent, a.ID, dateOrUndated(a.Date, ""), title)
		if a.URL != "" {
			fmt.Fprintf(w, "%s    %s\n", indent, a.URL)
		}
		if explain && a.Explain != nil && a.Explain.Candidates == 0 {
			fmt.Fprintf(w, "%s    new event: no earlier event shared its words or names\n", indent)
		} else if explain && a.Explain != nil {
			x := a.Explain
			verdict := "joined"
			if x.NewEvent {
				verdict = "new event"
			}
			if x.MovedFrom != "" {
				verdict = "moved from " + x.MovedFrom + ", " + verdict
			}
			fmt.Fprintf(w, "%s    %s: best %s p=%.3f (body %.3f, lead %.3f, entities %.3f, days %.0f) join from %.2f, %d candidates\n",
				indent, verdict, x.BestCandidate, x.Similarity, x.Body, x.Lead, x.Entities, x.DaysApart, x.Threshold, x.Candidates)
			if len(x.Contributions) > 0 {
				var parts []string
				for _, c := range x.Contributions[:min(len(x.Contributions), 8)] {
					parts = append(parts, fmt.Sprintf("%s %+.2f", c.Feature, c.LogOdds))
				}
				fmt.Fprintf(w, "%s    log-odds: %s\n", indent, strings.Join(parts, ", "))
			}
		}
	}
}

func dateOrUndated(d *string, source string) string {
	if d == nil {
		return "undated   "
	}
	if source == "inferred" {
		return *d + "~"
	}
	return *d
}

func entityLine(ents []report.Entity, n int) string {
	var parts []string
	for _, e := range ents[:min(n, len(ents))] {
		s := e.Name + " (" + e.Type + ")"
		if len(e.Aliases) > 0 {
			s = e.Name + " (" + e.Type + "; also " + strings.Join(e.Aliases, ", ") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
