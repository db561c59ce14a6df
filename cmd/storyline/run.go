package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
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
		arts := readArticles(args)
		if len(arts) == 0 {
			return fmt.Errorf("no articles found in %s", strings.Join(args, ", "))
		}
		p := pipeline.New(cfg)
		for _, d := range pipeline.AnalyzeAll(arts) {
			p.Add(d)
		}
		res := p.Result(pipeline.Options{Explain: explain})
		if asJSON {
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		}
		printResult(cmd.OutOrStdout(), res, explain)
		return nil
	}
	return cmd
}

// readArticles reads every article under paths, logging the problems met.
func readArticles(paths []string) []article.Article {
	var r article.Reader
	arts, problems := r.ReadAll(paths...)
	for _, p := range problems {
		slog.Warn("skipped input", "problem", p)
	}
	return arts
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
			fmt.Fprintf(w, "\n  Event %s  %s  %s\n", e.ID, dateOrUndated(e.Date, e.DateSource), e.Title)
			if len(e.Entities) > 0 {
				fmt.Fprintf(w, "    Who/where: %s\n", entityLine(e.Entities, 8))
			}
			for _, sen := range e.Summary {
				fmt.Fprintf(w, "    · %s [%s]\n", sen.Text, sen.Article)
			}
			for _, a := range e.Articles {
				title := a.Title
				if title == "" {
					title = "(no headline)"
				}
				fmt.Fprintf(w, "    - %s  %s  %s\n", a.ID, dateOrUndated(a.Date, ""), title)
				if explain && a.Explain != nil {
					x := a.Explain
					verdict := "joined"
					if x.NewEvent {
						verdict = "new event"
					}
					fmt.Fprintf(w, "        %s: best %s sim=%.3f (body %.3f, lead %.3f, entities %.3f, time×%.2f, days %.0f) threshold %.2f, %d candidates\n",
						verdict, x.BestCandidate, x.Similarity, x.Body, x.Lead, x.Entities, x.TimeFactor, x.DaysApart, x.Threshold, x.Candidates)
				}
			}
		}
		fmt.Fprintln(w)
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
