// Command storyline reads news articles, groups the ones that report the same
// real-world event, and threads events into storylines.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"storyline/internal/cluster"
	"storyline/internal/pipeline"
)

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if err := rootCommand().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "storyline:", err)
		os.Exit(1)
	}
}

func rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "storyline",
		Short:         "Group news articles into events and storylines",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(runCommand(), evalCommand(), trainCommand(), ingestCommand(), eventsCommand(), storylinesCommand(), showCommand(), timelineCommand(), watchCommand(), benchCommand(), serveCommand(),
		workerCommand(), clusterCommand(), submitCommand(), statusCommand())
	return root
}

// configFlags adds --set key=value to a command and returns a function that
// builds the pipeline configuration from it.
func configFlags(cmd *cobra.Command) func() (pipeline.Config, error) {
	sets := cmd.Flags().StringArray("set", nil, "override a parameter, e.g. --set time_grace_days=2 (repeatable)")
	model := cmd.Flags().String("model", "", "decide joins with this model (made by storyline train) instead of the shipped one")
	return func() (pipeline.Config, error) {
		cfg := pipeline.DefaultConfig()
		if *model != "" {
			m, err := cluster.LoadModel(*model)
			if err != nil {
				return cfg, err
			}
			cfg.Cluster.Model = m
		}
		for _, kv := range *sets {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return cfg, fmt.Errorf("--set %q: want key=value", kv)
			}
			if err := cfg.Set(k, v); err != nil {
				return cfg, err
			}
		}
		return cfg, nil
	}
}

// interruptible returns cmd's context, cancelled by the first SIGINT or
// SIGTERM so that the command stops cleanly (finishing the commit in
// flight, closing the store). Only the first: a second signal then kills
// the process at once, for when stopping cleanly takes too long.
func interruptible(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	return ctx, stop
}
