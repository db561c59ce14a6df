package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"storyline/internal/learn"
	"storyline/internal/pipeline"
)

func trainCommand() *cobra.Command {
	var (
		out         string
		folds       int
		orders      int
		leaveOneOut bool
		opt         = learn.DefaultOptions()
	)
	cmd := &cobra.Command{
		Use:   "train GOLD.jsonl...",
		Short: "Train the join decision of event clustering on labelled articles",
		Long: `Train the join decision of event clustering on labelled articles.

Each file is used as given (dates spread over 0-2 days) and with its dates
removed, in several arrival orders. --out writes the model, which --model
loads in every command (the shipped one was made by
'storyline train ../shared/datasets/allsides-dev.jsonl ../shared/datasets/ecbplus-dev.jsonl --out internal/cluster/model.json').
--folds K scores it by K-fold cross-validation grouped by topic, and
--leave-one-out by training without each file in turn: figures to trust
over the all-in ones, which score the model on what it was trained on.`,
		Args: cobra.MinimumNArgs(1),
	}
	config := configFlags(cmd)
	cmd.Flags().StringVar(&out, "out", "", "write the trained model to this file")
	cmd.Flags().IntVar(&folds, "folds", 0, "also score by this many topic-grouped cross-validation folds")
	cmd.Flags().BoolVar(&leaveOneOut, "leave-one-out", false, "also score each file with a model trained on the others")
	cmd.Flags().IntVar(&orders, "orders", 5, "stream orders each score is averaged over")
	cmd.Flags().IntVar(&opt.Orders, "train-orders", opt.Orders, "stream orders examples are collected from")
	cmd.Flags().Float64Var(&opt.Lambda, "lambda", opt.Lambda, "L2 penalty on the standardised weights")
	cmd.Flags().Float64Var(&opt.Join, "join", opt.Join, "probability from which a document joins an event")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := config()
		if err != nil {
			return err
		}
		var files [][]learn.Stream
		var all []learn.Stream
		for _, path := range args {
			arts := readArticles([]string{path})
			if len(arts) == 0 {
				return fmt.Errorf("train %s: no articles", path)
			}
			s := learn.Streams(filepath.Base(path), arts)
			files = append(files, s)
			all = append(all, s...)
		}
		m, err := learn.Train(cfg.Cluster, all, opt)
		if err != nil {
			return err
		}
		if out != "" {
			b, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
				return fmt.Errorf("train: %w", err)
			}
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "%-36s %-16s %-15s %8s %6s\n", "stream", "protocol", "pairwise F1 ±sd", "B-cubed", "events")
		print := func(s learn.Score) {
			fmt.Fprintf(w, "%-36s %-16s %.3f ±%.3f    %.3f  %3d/%-3d\n", s.Stream, s.Protocol, s.PairwiseF1, s.SD, s.BCubedF1, s.Predicted, s.Events)
		}
		trained := cfg
		trained.Cluster.Model, trained.Cluster.Linear = m, false
		for _, s := range all {
			sc, err := learn.Evaluate(trained, s, orders, "all-in")
			if err != nil {
				return err
			}
			print(sc)
		}
		if folds > 1 {
			scores, err := learn.TopicFolds(cfg, all, folds, opt, orders)
			if err != nil {
				return err
			}
			for _, s := range scores {
				print(s)
			}
		}
		if leaveOneOut && len(files) > 1 {
			return leaveOut(w, cfg, files, opt, orders, print)
		}
		return nil
	}
	return cmd
}

// leaveOut scores each file's streams with a model trained on the others.
func leaveOut(w io.Writer, cfg pipeline.Config, files [][]learn.Stream, opt learn.Options, orders int, print func(learn.Score)) error {
	for i, test := range files {
		var train []learn.Stream
		for j, f := range files {
			if j != i {
				train = append(train, f...)
			}
		}
		m, err := learn.Train(cfg.Cluster, train, opt)
		if err != nil {
			return err
		}
		c := cfg
		c.Cluster.Model, c.Cluster.Linear = m, false
		for _, s := range test {
			sc, err := learn.Evaluate(c, s, orders, "leave one out")
			if err != nil {
				return err
			}
			print(sc)
		}
	}
	return nil
}
