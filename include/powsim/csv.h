/* csv: the header rows of the run's CSV files, written by trace.c and
 * checked by plot.c before the gnuplot scripts read columns by number.
 * Each constant is the leading columns those scripts rely on; a file may
 * carry more after them (txs.csv's reason, miners.csv's attack columns),
 * since appended columns do not move the ones read by number. Their
 * meaning: README.md, "Output directory". Header only. */
#ifndef POWSIM_CSV_H
#define POWSIM_CSV_H

#define CSV_BLOCKS "time_s,height,hash,parent,miner,zeros,nonce,n_tx,interval_s,main_chain," \
		   "t50_s,t90_s,t100_s,size_bytes"
#define CSV_REORGS "time_s,node,old_tip,new_tip,depth,old_height,new_height"
#define CSV_TXS "id,created_s,sender,recipient,amount,fee,status,included_height,included_s," \
		"latency_s"
#define CSV_TIMELINE "time_s,max_height,min_height,distinct_tips,max_mempool,mean_mempool," \
		     "online_nodes,zeros"
#define CSV_EVENTS "time_s,action,target,value"
#define CSV_PHASES "phase,zeros,start_height,end_height,blocks,start_s,end_s,mean_interval_s," \
		   "expected_interval_s,blocks_per_min,txs"
#define CSV_MINERS "name,hashrate_share,blocks,main_blocks,main_share"

#endif
