/* The dashboard every node of powsim serve answers at GET /: one
 * self-contained page (inline style and script, no external assets). The
 * server puts the state of the moment in place of STATE_MARK so the page
 * shows something before its script runs; the script then follows the
 * state through Server-Sent Events at /events (the stream closes now and
 * then; EventSource reconnects by itself). The page's query goes to
 * /events: "?max=N" closes each stream after N messages, for clients that
 * wait for the page to go quiet (a headless browser's virtual time). */
#include "serve.h"

const char serve_state_mark[] = "/*STATE*/null";

const char serve_dashboard_html[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<title>powsim live</title>\n"
"<style>\n"
"body{font-family:system-ui,sans-serif;margin:1.2em;background:#fafafa;color:#222}\n"
"h1{font-size:1.3em;margin:0 0 .3em}h2{font-size:1.05em;margin:1em 0 .3em}\n"
"table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n"
"th{background:#eee}.mono{font-family:monospace}.num{text-align:right}\n"
"#facts span{margin-right:1.5em}.blk{background:#fff;border:1px solid #ccc;margin:.3em 0;padding:.3em .6em}\n"
".tx{font-family:monospace;font-size:.9em;color:#444;margin-left:1em}\n"
"</style></head><body>\n"
"<h1>powsim live: <span id=\"scenario\"></span></h1>\n"
"<div id=\"facts\"><span>simulated <b id=\"time\"></b></span><span>difficulty <b id=\"difficulty\"></b> "
"hex zeros (next block <b id=\"next\"></b>)</span><span>blocks mined <b id=\"mined\"></b></span>"
"<span>speed <b id=\"speed\"></b>x</span></div>\n"
"<h2>Nodes</h2>\n"
"<table><thead><tr><th>node</th><th>address</th><th>role</th><th>height</th><th>tip</th>"
"<th>mempool</th><th>balance</th></tr></thead><tbody id=\"nodes\"></tbody></table>\n"
"<h2>Recent blocks of the main chain</h2><div id=\"recent\"></div>\n"
"<h2>Mempool <span id=\"mpnode\"></span></h2><div id=\"mempool\"></div>\n"
"<script>\n"
"var initial = /*STATE*/null;\n"
"function el(id){return document.getElementById(id);}\n"
"function esc(s){return String(s).replace(/[&<>\"]/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;'}[c];});}\n"
"function txline(t){return '<div class=\"tx\">'+esc(t.sender_node||'coinbase')+' &rarr; '+esc(t.recipient_node)+': '+esc(t.amount)+'</div>';}\n"
"function render(s){\n"
" if(!s)return;\n"
" el('scenario').textContent=s.scenario; el('time').textContent=s.time_s.toFixed(1)+' s';\n"
" el('difficulty').textContent=s.difficulty; el('next').textContent=s.next_difficulty;\n"
" el('mined').textContent=s.blocks_mined; el('speed').textContent=s.speed;\n"
" var rows='';\n"
" s.nodes.forEach(function(n){rows+='<tr class=\"node\" data-name=\"'+esc(n.name)+'\"><td>'+esc(n.name)+'</td><td class=\"mono\">'+esc(n.address)+\n"
"  '</td><td>'+esc(n.role)+(n.online?'':' (offline)')+'</td><td class=\"num height\">'+n.height+'</td><td class=\"mono\">'+esc(n.tip.slice(0,16))+\n"
"  '&hellip;</td><td class=\"num\">'+n.mempool+'</td><td class=\"num\">'+n.balance+'</td></tr>';});\n"
" el('nodes').innerHTML=rows;\n"
" var b='';\n"
" s.recent.forEach(function(x){b+='<div class=\"blk\"><b>#'+x.index+'</b> by <b>'+esc(x.miner)+'</b> at '+x.mined_at.toFixed(2)+\n"
"  ' s, '+x.difficulty+' zeros, proof '+x.proof+', <span class=\"mono\">'+esc(x.hash.slice(0,20))+'&hellip;</span>, '+x.n_tx+(x.n_tx==1?' transaction':' transactions')+\n"
"  x.transactions.map(txline).join('')+'</div>';});\n"
" el('recent').innerHTML=b;\n"
" el('mpnode').textContent=s.mempool?('(at '+s.mempool.node+', '+s.mempool.length+' waiting)'):'';\n"
" el('mempool').innerHTML=s.mempool?s.mempool.transactions.slice(0,30).map(txline).join(''):'';\n"
"}\n"
"render(initial);\n"
"if(window.EventSource){var es=new EventSource('/events'+location.search);es.onmessage=function(e){render(JSON.parse(e.data));};}\n"
"</script></body></html>\n";
